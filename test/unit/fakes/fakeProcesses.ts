// A ProcessPort whose processes do what the test scripts: exit with a code after printing some
// output, or block until released or killed. It records every start, and how many ran at once.
import type {
  HostTaskPort,
  ProcessExit,
  ProcessPort,
  ProcessSpec,
  RunOptions,
  StartedProcess,
  TaskLogPort,
} from '../../../src/core/execution/ports';

export interface ScriptedRun {
  code?: number | null;
  output?: string;
  /** Stays running until `release(command)` or a kill. */
  block?: boolean;
  error?: { code?: string; message: string };
}

export interface Started {
  spec: ProcessSpec;
  /** The program and its arguments as one string. */
  line: string;
  killed: boolean;
}

export class FakeProcesses implements ProcessPort {
  readonly started: Started[] = [];
  running = 0;
  maxRunning = 0;
  private readonly scripts = new Map<string, ScriptedRun[]>();
  private readonly blocked = new Map<string, Array<(exit: ProcessExit) => void>>();
  /** Pids of processes an earlier run left running (orphans); tests add them. */
  readonly orphans = new Set<number>();
  /** Pids stopped through `stop`. */
  readonly stopped: number[] = [];
  private nextPid = 1000;

  /** What runs of `line` do, in turn; the last one repeats. Unscripted commands exit 0. */
  script(line: string, ...runs: ScriptedRun[]): this {
    this.scripts.set(line, runs);
    return this;
  }

  /** Lets every blocked run of `line` (or all, without one) exit with `code`. */
  release(line?: string, code = 0): void {
    for (const [key, waiters] of this.blocked) {
      if (line !== undefined && key !== line) continue;
      for (const w of waiters.splice(0)) w({ code });
    }
  }

  lines(): string[] {
    return this.started.map(s => s.line);
  }

  run(spec: ProcessSpec, options: RunOptions): Promise<ProcessExit> {
    const line = spec.shell ? spec.command : [spec.command, ...spec.args].join(' ');
    return this.start(line, spec, options);
  }

  async isRunning(p: StartedProcess): Promise<boolean> {
    return this.orphans.has(p.pid);
  }

  /** Orphans found by their step's marker (tests add them), by marker. */
  readonly marked = new Map<string, StartedProcess[]>();

  async findByMarker(marker: string): Promise<StartedProcess[]> {
    return (this.marked.get(marker) ?? []).filter(p => this.orphans.has(p.pid));
  }

  async stop(p: StartedProcess): Promise<void> {
    this.stopped.push(p.pid);
    this.orphans.delete(p.pid);
  }

  /** The fake world has no links: every path is real and exists. */
  realPath(p: string): Promise<string | undefined> {
    return Promise.resolve(p);
  }

  /** HostTaskPort: VS Code tasks are scripted as `task:<label>`. */
  runTask(label: string, options: RunOptions): Promise<ProcessExit> {
    return this.start(`task:${label}`, { command: label, args: [], shell: false, cwd: '' }, options);
  }

  private async start(
    line: string,
    spec: ProcessSpec,
    { signal, onOutput, onStarted }: RunOptions,
  ): Promise<ProcessExit> {
    const record: Started = { spec, line, killed: false };
    onStarted?.({ pid: this.nextPid++, startTime: '1', group: this.nextPid - 1 });
    this.started.push(record);
    const runs = this.scripts.get(line) ?? [{ code: 0 }];
    const run = runs.length > 1 ? runs.shift()! : runs[0];
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await Promise.resolve();
      if (run.output) onOutput(run.output);
      if (run.error) return { code: null, error: run.error };
      if (!run.block) return { code: run.code ?? 0 };
      return await new Promise<ProcessExit>(resolve => {
        const waiters = this.blocked.get(line) ?? [];
        waiters.push(resolve);
        this.blocked.set(line, waiters);
        const kill = () => {
          record.killed = true;
          resolve({ code: null, signal: 'SIGTERM' });
        };
        if (signal.aborted) kill();
        else signal.addEventListener('abort', kill, { once: true });
      });
    } finally {
      this.running--;
    }
  }
}

export function fakeHostTasks(processes: FakeProcesses): HostTaskPort {
  return { run: (label, options) => processes.runTask(label, options) };
}

export class MemoryTaskLogs implements TaskLogPort {
  readonly logs = new Map<string, string>();
  async append(taskId: string, text: string): Promise<void> {
    this.logs.set(taskId, (this.logs.get(taskId) ?? '') + text);
  }
  async size(taskId: string): Promise<number> {
    return Buffer.byteLength(this.logs.get(taskId) ?? '');
  }
  async read(taskId: string): Promise<string> {
    return this.logs.get(taskId) ?? '';
  }
  location(taskId: string): string {
    return `/logs/${taskId}.log`;
  }
}
