// ProcessPort over child_process, shared by the VS Code layer, the CLI and the tests that run real
// processes. No shell unless the spec asks for one; each command in its own process group;
// cancelling kills the whole process tree (tree-kill), first politely (SIGTERM), then for good
// (SIGKILL) after a grace period.
import { spawn, type ChildProcess } from 'child_process';
import { promises as fsp } from 'fs';
import treeKill from 'tree-kill';
import type { ProcessExit, ProcessPort } from '../core/execution/ports';

const graceMs = 2_000;
/** After the process exits, how long to wait for its output pipes to close (a daemon it started may hold them). */
const drainMs = 1_000;

export const nodeProcesses: ProcessPort = {
  run(spec, { signal, onOutput }) {
    return new Promise<ProcessExit>(resolve => {
      let settled = false;
      let failure: NodeJS.ErrnoException | undefined;
      let child: ChildProcess;
      const timers: Array<ReturnType<typeof setTimeout>> = [];
      const finish = (exit: ProcessExit) => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        signal.removeEventListener('abort', kill);
        resolve(failure ? { ...exit, error: { ...(failure.code ? { code: failure.code } : {}), message: failure.message } } : exit);
      };
      function kill() {
        const pid = child?.pid;
        if (pid === undefined) return;
        treeKill(pid, 'SIGTERM', () => undefined);
        const hard = setTimeout(() => treeKill(pid, 'SIGKILL', () => undefined), graceMs);
        hard.unref();
        timers.push(hard);
      }
      try {
        child = spawn(spec.command, [...spec.args], {
          cwd: spec.cwd,
          env: spec.env ? { ...process.env, ...spec.env } : process.env,
          shell: spec.shell,
          windowsHide: true,
          // its own process group: a Ctrl+C meant for the CLI (which pauses the run) does not reach
          // the tasks' processes; cancelling kills the tree explicitly (tree-kill)
          detached: process.platform !== 'win32',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        failure = err as NodeJS.ErrnoException;
        finish({ code: null });
        return;
      }
      child.stdout?.setEncoding('utf8').on('data', (text: string) => onOutput(text));
      child.stderr?.setEncoding('utf8').on('data', (text: string) => onOutput(text));
      child.on('error', err => {
        failure = err;
        if (child.pid === undefined) finish({ code: null });
      });
      child.on('exit', (code, sig) => {
        const t = setTimeout(() => finish({ code, ...(sig ? { signal: sig } : {}) }), drainMs);
        t.unref();
        timers.push(t);
      });
      child.on('close', (code, sig) => finish({ code, ...(sig ? { signal: sig } : {}) }));
      if (signal.aborted) kill();
      else signal.addEventListener('abort', kill, { once: true });
    });
  },
  async realPath(p) {
    try {
      return await fsp.realpath(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
  },
};
