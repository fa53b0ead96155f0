// A stalled lock holder, for `npm run soak:executor` and a short system test: the real CLI
// (`continuum run`, bundled as shipped) runs a session of real processes, half of whose steps must
// not run twice; it is SIGSTOPped mid-run until its lock is stale — waited out for real (15 s), or
// past its refresh period with its heartbeat (the lock folder's time) then set back, as 15 s would
// have left it — and a second CLI
// (`continuum resume`) takes the store over and resumes the session, waiting for or stopping the
// first one's task processes. Then the first one is SIGCONTed. It must stop cleanly (exit non-zero,
// say it lost the lock, no unhandled error); no step that must not run twice runs twice or beside
// itself; every task the first one printed as done is done in the store and never ran again.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openContinuum } from '../../../../src/core/continuum';
import { nodeFileSystem } from '../../../../src/node/fileSystem';
import { seededRandom } from '../../fakes/random';
import { name, taskContractViolations, workScript, type TaskContractResult } from './contracts';

/** The CLI's lock goes stale after this long without a refresh (nodeLock's default). */
const cliStaleMs = 15_000;
/** The CLI refreshes its lock this often, and until the next refresh is due trusts it without asking the disk. */
const cliUpdateMs = 5_000;
/** The longest task; the shortest is 300 ms. */
const longestTaskMs = 1500;

export interface LockStallOptions {
  work: string;
  /** The bundled CLI (bundleForNode). */
  cli: string;
  rounds: number;
  /** Tasks per round (default 12, half of them must not run twice). */
  tasks?: number;
  /** Every this many rounds the stall is waited out for real; in the others the lock's heartbeat is set back (default 2). */
  realStallEvery?: number;
  seed: number;
  log?: (line: string) => void;
}

export interface LockStallResult extends TaskContractResult {
  rounds: number;
  realStalls: number;
  /** The stopped CLI's exit codes after SIGCONT, and how often each came. */
  stoppedExitCodes: Record<string, number>;
  /** Tasks the stopped CLI had printed as done (all of them must be done in the store, run once). */
  doneByStopped: number;
  /** The second CLI's answer about the first one's task processes, per round. */
  orphanAnswers: { wait: number; stop: number };
  /** Tasks the stopped run printed done that are not done in the store: must be empty. */
  lostAcknowledged: string[];
  /** A stopped CLI that exited 0, or without saying it lost the lock, or with an unhandled error: its round and its words. */
  unclean: string[];
}

interface Cli {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(cli: string, args: string[]): Cli {
  // a process group of its own, as a terminal's job has. In the harness's group a stopped CLI once
  // ended by a SIGHUP that nothing here sends; the kernel sends one (with SIGCONT) to a process group
  // left orphaned while a member of it is stopped
  const proc = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { proc, out: () => out, err: () => err, exited };
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

/** Waits for a CLI to exit; SIGKILLs it (and says so) after `ms`. */
async function exitOf(cli: Cli, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'hung'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<'hung'>(resolve => {
    timer = setTimeout(() => resolve('hung'), ms);
  });
  const result = await Promise.race([cli.exited, hung]);
  clearTimeout(timer);
  if (result === 'hung') {
    cli.proc.kill('SIGCONT');
    cli.proc.kill('SIGKILL');
    await cli.exited;
  }
  return result;
}

const doneTitles = (out: string) => [...out.matchAll(/\] done\s+(\S+)/g)].map(m => m[1]);

const ownerPid = (folder: string): number | undefined => {
  try {
    return (JSON.parse(fs.readFileSync(path.join(folder, 'lock.owner.json'), 'utf8')) as { pid?: number }).pid;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
    throw err;
  }
};

export async function runLockStalls(o: LockStallOptions): Promise<LockStallResult> {
  const started = Date.now();
  const random = seededRandom(o.seed);
  const tasks = o.tasks ?? 12;
  const result: LockStallResult = {
    rounds: 0,
    realStalls: 0,
    stoppedExitCodes: {},
    doneByStopped: 0,
    orphanAnswers: { wait: 0, stop: 0 },
    tasks: 0,
    done: 0,
    failed: 0,
    repeatedNonRerunnable: [],
    overlaps: { nonRerunnable: 0, rerunnable: 0 },
    repeatedAfterDone: [],
    lostAcknowledged: [],
    unclean: [],
    rerunCutOff: 0,
    elapsedMs: 0,
  };
  for (let round = 1; round <= o.rounds; round++) {
    const real = round % (o.realStallEvery ?? 2) === 0;
    const dir = path.join(o.work, `stall-${round}`);
    const folder = path.join(dir, 'store');
    const workspace = path.join(dir, 'ws');
    fs.mkdirSync(path.join(workspace, 'pids'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'work.js'), workScript);
    fs.writeFileSync(path.join(workspace, 'log'), '');
    const nonRerunnable = new Set<string>();
    const setup = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
    await setup.tasks.createMany(
      Array.from({ length: tasks }, (_, i) => {
        const once = i % 2 === 1;
        if (once) nonRerunnable.add(name(i));
        const ms = 300 + Math.floor(random() * (longestTaskMs - 300));
        return {
          title: name(i),
          action: {
            kind: 'shell' as const,
            command: `"${process.execPath}" work.js ${name(i)} ${ms}`,
            ...(once ? { rerunnable: false } : {}),
          },
        };
      }),
    );
    await setup.close();

    const common = ['--store', folder, '--workspace', workspace, '--concurrency', '3', '--yes'];
    const first = startCli(o.cli, ['run', ...common]);
    // Stopped mid-run: after 0 to a third of the tasks were printed done, and a moment more.
    const doneBeforeStop = Math.floor(random() * (tasks / 3));
    await until(
      `the first run to print ${doneBeforeStop} tasks done`,
      () => doneTitles(first.out()).length >= doneBeforeStop && first.out().includes('] started'),
      60_000,
    );
    await new Promise(r => setTimeout(r, Math.floor(random() * 300)));
    first.proc.kill('SIGSTOP');
    const lockDir = path.join(folder, 'lock.lock');
    // a run that ended before it could be stopped (it finished, or failed) holds no lock to stall
    if (!fs.existsSync(lockDir))
      throw new Error(
        `round ${round}: the first run no longer held the store when it was stopped (exit ${first.proc.exitCode ?? 'not yet seen'}):\n${first.out().slice(-2000)}\n${first.err().slice(-2000)}`,
      );
    if (real) {
      result.realStalls++;
      // as the lock folder's own time says: it may be dated up to a second ahead
      await until(
        'the stopped run’s lock to go stale',
        () => Date.now() - fs.statSync(lockDir).mtimeMs > cliStaleMs + 1000,
        cliStaleMs + 30_000,
      );
    } else {
      // Stopped past its refresh (until then it trusts its lock without asking the disk, as no
      // other process may take a fresh lock), and the lock aged for the rest of the stale limit.
      await new Promise(r => setTimeout(r, cliUpdateMs + 1500));
      const past = new Date(Date.now() - 4 * cliStaleMs);
      fs.utimesSync(lockDir, past, past);
    }
    const orphans = random() < 0.5 ? 'wait' : 'stop';
    result.orphanAnswers[orphans]++;
    const second = startCli(o.cli, ['resume', ...common, '--orphans', orphans]);
    await until(
      'the second run to take the store over',
      () => ownerPid(folder) === second.proc.pid || second.proc.exitCode !== null,
      30_000,
    );
    if (second.proc.exitCode !== null) {
      first.proc.kill('SIGCONT');
      first.proc.kill('SIGKILL');
      throw new Error(
        `round ${round}: the second run ended (exit ${second.proc.exitCode}) before it took the store over:\n${second.out()}\n${second.err()}`,
      );
    }
    await new Promise(r => setTimeout(r, Math.floor(random() * 2000)));
    first.proc.kill('SIGCONT');

    const firstEnd = await exitOf(first, 60_000);
    const words = `${first.err()}\n${first.out()}`.trim().slice(-1500);
    if (firstEnd === 'hung') result.unclean.push(`${round}: did not stop within 60 s of SIGCONT: ${words}`);
    else {
      const key = firstEnd.signal ?? String(firstEnd.code);
      result.stoppedExitCodes[key] = (result.stoppedExitCodes[key] ?? 0) + 1;
      if (firstEnd.code === 0 || firstEnd.signal) result.unclean.push(`${round}: ended ${key}: ${words}`);
      if (!/lost the lock/.test(first.err())) result.unclean.push(`${round}: did not say it lost the lock: ${words}`);
      if (/unhandled|unexpected error|\n\s+at /i.test(first.err()))
        result.unclean.push(`${round}: an unhandled error: ${words}`);
    }

    const secondEnd = await exitOf(second, 180_000);
    if (secondEnd === 'hung' || (secondEnd.code !== 0 && secondEnd.code !== 1))
      throw new Error(
        `round ${round}: the second run ${secondEnd === 'hung' ? 'hung' : `failed (exit ${secondEnd.code}, signal ${secondEnd.signal})`}:\n${second.out().slice(-2000)}\n${second.err().slice(-2000)}`,
      );
    const ended = async () => {
      const core = await openContinuum({ folder, fs: nodeFileSystem, readOnly: true });
      try {
        return core.tasks.list();
      } finally {
        await core.close();
      }
    };
    for (let finishing = 0; ; finishing++) {
      const unfinished = (await ended()).filter(t => t.status !== 'done' && t.status !== 'failed');
      if (!unfinished.length) break;
      if (finishing === 3)
        throw new Error(
          `round ${round}: ${unfinished.length} task(s) unfinished after 3 more resumes: ${unfinished.map(t => `${t.title} ${t.status}`).join(', ')}`,
        );
      const more = startCli(o.cli, ['resume', ...common, '--orphans', 'wait']);
      const end = await exitOf(more, 180_000);
      if (end === 'hung' || (end.code !== 0 && end.code !== 1))
        throw new Error(`round ${round}: a finishing resume failed:\n${more.out()}\n${more.err()}`);
    }
    await new Promise(r => setTimeout(r, longestTaskMs + 600)); // every process has written its end line

    const lines = fs.readFileSync(path.join(workspace, 'log'), 'utf8').split('\n');
    const starts = new Map<string, number>();
    for (const l of lines) if (l.startsWith('start ')) starts.set(l.slice(6), (starts.get(l.slice(6)) ?? 0) + 1);
    for (const l of lines) {
      if (l.startsWith('WHO ')) (result.overlapWho ??= []).push(`${round}: ${l.slice(4)}`);
      if (!l.startsWith('OVERLAP ')) continue;
      if (nonRerunnable.has(l.slice(8))) result.overlaps.nonRerunnable++;
      else result.overlaps.rerunnable++;
    }
    for (const [title, n] of starts) {
      if (n > 1 && nonRerunnable.has(title)) result.repeatedNonRerunnable.push(`${round}:${title}`);
      else if (n > 1) result.rerunCutOff++;
    }
    const final = await ended();
    const doneByFirst = doneTitles(first.out());
    result.doneByStopped += doneByFirst.length;
    for (const title of doneByFirst) {
      if (final.find(t => t.title === title)?.status !== 'done') result.lostAcknowledged.push(`${round}:${title}`);
      if ((starts.get(title) ?? 0) !== 1) result.repeatedAfterDone.push(`${round}:${title}`);
    }
    result.tasks += tasks;
    result.done += final.filter(t => t.status === 'done').length;
    result.failed += final.filter(t => t.status === 'failed').length;
    result.rounds++;
    o.log?.(
      `stall ${round}/${o.rounds} (${real ? 'waited out' : 'heartbeat set back'}, orphans: ${orphans}): the stopped run ${firstEnd === 'hung' ? 'hung' : `exited ${firstEnd.signal ?? firstEnd.code}`} after printing ${doneByFirst.length} done; ` +
        `${final.filter(t => t.status === 'done').length} done, ${final.filter(t => t.status === 'failed').length} failed of ${tasks}`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
  result.elapsedMs = Date.now() - started;
  return result;
}

/** Whether a result breaks a contract, and how (empty when it holds). */
export function lockStallViolations(r: LockStallResult): string[] {
  const v = taskContractViolations(r);
  if (r.lostAcknowledged.length)
    v.push(
      `tasks printed done by the stopped run are not done in the store: ${r.lostAcknowledged.slice(0, 10).join(', ')}`,
    );
  if (r.unclean.length) v.push(`the stopped run did not stop cleanly: ${r.unclean.slice(0, 3).join(' | ')}`);
  return v;
}
