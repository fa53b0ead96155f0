// ProcessPort over child_process, shared by the VS Code layer, the CLI and the tests that run real
// processes. No shell unless the spec asks for one; each command in its own process group;
// cancelling kills the whole process tree (tree-kill), first politely (SIGTERM), then for good
// (SIGKILL) after a grace period.
import { spawn, type ChildProcess } from 'child_process';
import { promises as fsp, readFileSync } from 'fs';
import treeKill from 'tree-kill';
import type { ProcessExit, ProcessPort, StartedProcess } from '../core/execution/ports';

const graceMs = 2_000;
/** Carries a step's key into its processes' environment (ProcessSpec.marker). */
const markerVariable = 'CONTINUUM_STEP';
/** After the process exits, how long to wait for its output pipes to close (a daemon it started may hold them). */
const drainMs = 1_000;

export const nodeProcesses: ProcessPort = {
  run(spec, { signal, onOutput, onStarted }) {
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
        resolve(
          failure
            ? { ...exit, error: { ...(failure.code ? { code: failure.code } : {}), message: failure.message } }
            : exit,
        );
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
          env: { ...process.env, ...spec.env, ...(spec.marker ? { [markerVariable]: spec.marker } : {}) },
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
      if (child.pid !== undefined) {
        // read at once: the process exists (at worst as a zombie, not yet reaped) until its exit event
        const detached = process.platform !== 'win32';
        onStarted?.({ pid: child.pid, ...startTimeField(child.pid), ...(detached ? { group: child.pid } : {}) });
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
  async isRunning(p) {
    return isRunning(p);
  },
  async stop(p) {
    if (!isRunning(p)) return;
    signalProcess(p, 'SIGTERM');
    const hardAt = Date.now() + graceMs;
    while (isRunning(p)) {
      if (Date.now() >= hardAt) signalProcess(p, 'SIGKILL');
      if (Date.now() >= hardAt + graceMs)
        throw new Error(`process ${p.pid} (group ${p.group ?? 'none'}) did not end after SIGKILL`);
      await new Promise(r => setTimeout(r, 50));
    }
  },
  async findByMarker(marker) {
    let pids: string[];
    try {
      pids = (await fsp.readdir('/proc')).filter(n => /^\d+$/.test(n));
    } catch {
      return []; // no /proc: only recorded processes can be found
    }
    const wanted = `${markerVariable}=${marker}\0`;
    const found: StartedProcess[] = [];
    for (const name of pids) {
      const pid = Number(name);
      if (pid === process.pid) continue;
      let environ: string;
      try {
        environ = await fsp.readFile(`/proc/${pid}/environ`, 'utf8');
      } catch {
        continue; // gone, or another user's
      }
      if (!`\0${environ}`.includes(`\0${wanted}`)) continue;
      const stat = procStat(pid);
      if (!stat || stat.state === 'Z') continue;
      found.push({
        pid,
        startTime: stat.startTime,
        ...(procGroupOf(pid) !== undefined ? { group: procGroupOf(pid) } : {}),
      });
    }
    return found;
  },
  async realPath(p) {
    try {
      return await fsp.realpath(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
        return undefined;
      throw err;
    }
  },
};

/**
 * A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat, Linux), and its
 * state letter. Undefined where there is no /proc or the process is gone.
 */
function procStat(pid: number): { startTime: string; state: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // no such process (or no /proc on this platform)
  }
  // "pid (comm) state ppid …": comm may hold blanks and parentheses, so fields count from the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTime: fields[19] };
}

function startTimeField(pid: number): { startTime?: string } {
  const stat = procStat(pid);
  return stat ? { startTime: stat.startTime } : {};
}

/** Whether signal 0 reaches `target` (a pid, or a process group as -pgid). */
function reachable(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // it exists, under another user
  }
}

/**
 * The recorded process still runs — the same one, not a new process that got its pid — or its
 * process group still has members (what it started). A pid reused by another process means the
 * recorded one ended; its group id cannot be taken by a new group while members of it live.
 */
function isRunning(p: StartedProcess): boolean {
  const stat = procStat(p.pid);
  const reused = stat !== undefined && p.startTime !== undefined && stat.startTime !== p.startTime;
  const leader = stat !== undefined ? !reused && stat.state !== 'Z' : p.startTime === undefined && reachable(p.pid);
  if (leader) return true;
  if (p.group === undefined || process.platform === 'win32') return false;
  if (reused && stat!.state !== 'Z') {
    // the pid now names another process; the group lives on only if that process is not its leader
    return reachable(-p.group) && procGroupOf(p.pid) !== p.group;
  }
  return reachable(-p.group);
}

function procGroupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

function signalProcess(p: StartedProcess, signal: NodeJS.Signals): void {
  try {
    if (p.group !== undefined && process.platform !== 'win32') process.kill(-p.group, signal);
    else treeKill(p.pid, signal, () => undefined);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
