// The executor's "no repeated work" contracts under SIGKILL, for `npm run soak:executor` and a short
// unit test: a session of real processes, half of whose steps must not run twice, run by a child
// that is SIGKILLed — at random moments, right after a chosen store write is durable (every step
// boundary, and a resume's own recording), or while that write is still in flight — and resumed.
// The runner alone is killed: the task processes live on in their own process groups, as when a
// terminal closes, so every resume meets orphans. Each task process appends `start`/`end` lines to a
// shared log and an OVERLAP line when an earlier copy of itself still runs.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openContinuum } from '../../../../src/core/continuum';
import { nodeFileSystem } from '../../../../src/node/fileSystem';

export interface ContractSoakOptions {
  work: string;
  child: string;
  tasks: number;
  kills: number;
  concurrency: number;
  /** Stop starting kill rounds after this long (the finishing runs still happen). */
  budgetMs?: number;
  log?: (line: string) => void;
}

/** What every executor soak counts of the task contracts (no repeated work, no run beside itself). */
export interface TaskContractResult {
  tasks: number;
  done: number;
  /** Failed by a 'fail' answer about a cut-off step that must not run twice. */
  failed: number;
  /** Tasks marked rerunnable: false whose command started more than once: must be empty. */
  repeatedNonRerunnable: string[];
  /** A task's command started while an earlier copy of it still ran: must be zero. */
  overlaps: { nonRerunnable: number; rerunnable: number };
  /** For each overlap, which processes the two copies were and who started them (the log's WHO lines). */
  overlapWho?: string[];
  /** Tasks recorded (or printed) done before some kill or stall whose command started again afterwards: must be empty. */
  repeatedAfterDone: string[];
  /** Re-runnable tasks started more than once (allowed: cut off by a kill or a stall). */
  rerunCutOff: number;
  elapsedMs: number;
}

/** How a soak's result breaks the task contracts, in words (empty when they hold). */
export function taskContractViolations(r: TaskContractResult): string[] {
  const v: string[] = [];
  if (r.repeatedNonRerunnable.length)
    v.push(`steps that must not run twice ran twice: ${r.repeatedNonRerunnable.slice(0, 10).join(', ')}`);
  if (r.overlaps.nonRerunnable + r.overlaps.rerunnable)
    v.push(
      `${r.overlaps.nonRerunnable + r.overlaps.rerunnable} step(s) ran beside an earlier copy of themselves${r.overlapWho?.length ? `: ${r.overlapWho.slice(0, 3).join(' | ')}` : ''}`,
    );
  if (r.repeatedAfterDone.length) v.push(`finished tasks ran again: ${r.repeatedAfterDone.slice(0, 10).join(', ')}`);
  if (r.done + r.failed !== r.tasks) v.push(`${r.done + r.failed}/${r.tasks} tasks finished`);
  return v;
}

export interface ContractSoakResult extends TaskContractResult {
  kills: number;
  /** Kills by kind: random moments, after a durable write, during a write. */
  byKind: Record<KillKind, number>;
  finishingRuns: number;
  loadAverage: number[];
}

type KillKind = 'random' | 'after-write' | 'in-write';

/** The title of the i-th task. */
export const name = (i: number) => `c${String(i).padStart(3, '0')}`;

/**
 * A task's command (node work.js NAME MS, in the workspace): appends `start NAME` to ./log, and an
 * `OVERLAP NAME` line when an earlier copy of it still runs (then a `WHO NAME …` line: both copies'
 * processes and the two above each, with their command lines), then `end NAME` after MS.
 */
export const workScript = `
const fs = require('fs');
const [, , name, ms] = process.argv;
// A zombie (ended, not yet reaped: an orphan's reaper may take seconds, as in containers whose pid 1
// reaps on a timer) runs nothing: it is not an earlier copy still running.
const alive = pid => { try { return fs.readFileSync('/proc/' + pid + '/stat', 'utf8').split(') ').pop().split(' ')[0] !== 'Z'; } catch (e) { if (e.code !== 'ENOENT') throw e; return false; } };
const pidFile = 'pids/' + name;
const earlier = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : 0;
// a process and the two above it: pid, command line, state
const who = pid => { const up = []; for (let p = pid, i = 0; p > 1 && i < 3; i++) { try { const stat = fs.readFileSync('/proc/' + p + '/stat', 'utf8').split(') ').pop().split(' '); const cmd = fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').split('\\0').join(' ').trim().slice(-120); up.push(p + ' [' + stat[0] + '] ' + cmd); p = Number(stat[1]); } catch (e) { up.push(p + ' gone'); break; } } return up.join(' < '); };
if (earlier && alive(earlier)) {
  fs.appendFileSync('log', 'OVERLAP ' + name + '\\n');
  fs.appendFileSync('log', 'WHO ' + name + ': earlier ' + who(earlier) + '; now ' + who(process.pid) + '\\n');
}
fs.writeFileSync(pidFile, String(process.pid));
fs.appendFileSync('log', 'start ' + name + '\\n');
setTimeout(() => fs.appendFileSync('log', 'end ' + name + '\\n'), Number(ms));
`;

export async function runContractSoak(o: ContractSoakOptions): Promise<ContractSoakResult> {
  const started = Date.now();
  const folder = path.join(o.work, 'store');
  const workspace = path.join(o.work, 'ws');
  fs.mkdirSync(path.join(workspace, 'pids'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'work.js'), workScript);
  fs.writeFileSync(path.join(workspace, 'log'), '');

  const nonRerunnable = new Set<string>();
  const setup = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
  const created = await setup.tasks.createMany(
    Array.from({ length: o.tasks }, (_, i) => {
      const once = i % 2 === 1;
      if (once) nonRerunnable.add(name(i));
      return {
        title: name(i),
        action: {
          kind: 'shell' as const,
          command: `"${process.execPath}" work.js ${name(i)} ${50 + Math.floor(Math.random() * 400)}`,
          ...(once ? { rerunnable: false } : {}),
        },
      };
    }),
  );
  const sessionId = (await setup.sessions.create({ name: 'contract soak', taskIds: created.map(t => t.id) })).id;
  await setup.close();

  const logLines = () => fs.readFileSync(path.join(workspace, 'log'), 'utf8').split('\n').filter(Boolean);
  const starts = () => {
    const c = new Map<string, number>();
    for (const l of logLines()) if (l.startsWith('start ')) c.set(l.slice(6), (c.get(l.slice(6)) ?? 0) + 1);
    return c;
  };
  const seenDone: Array<Map<string, number>> = [];
  const byKind: Record<KillKind, number> = { random: 0, 'after-write': 0, 'in-write': 0 };
  let kills = 0;
  for (let k = 0; k < o.kills && (o.budgetMs === undefined || Date.now() - started < o.budgetMs); k++) {
    const kind: KillKind = (['random', 'after-write', 'in-write'] as const)[k % 3];
    const env: Record<string, string> = { ORPHANS: 'random', INTERRUPTED: 'random' };
    if (kind === 'after-write') env.KILL_AFTER_WRITE = String(1 + Math.floor(Math.random() * 40));
    if (kind === 'in-write') env.KILL_IN_WRITE = String(1 + Math.floor(Math.random() * 40));
    const outcome = await runChild(
      o,
      folder,
      workspace,
      sessionId,
      env,
      kind === 'random' ? Math.random() * 600 : Infinity,
    );
    if (outcome === 'killed') {
      kills++;
      byKind[kind]++;
    }
    const core = await openContinuum({ folder, fs: nodeFileSystem, readOnly: true });
    const ended = core.tasks
      .list()
      .filter(t => t.status === 'done' || t.status === 'failed')
      .map(t => t.title);
    await core.close();
    const now = starts();
    seenDone.push(new Map(ended.map(d => [d, now.get(d) ?? 0])));
    o.log?.(`round ${k + 1}: ${kind} ${outcome}, ${ended.length}/${o.tasks} ended`);
    if (ended.length === o.tasks) break;
  }

  let finishingRuns = 0;
  for (;;) {
    finishingRuns++;
    const outcome = await runChild(o, folder, workspace, sessionId, { ORPHANS: 'wait', INTERRUPTED: 'skip' }, Infinity);
    if (outcome === 'done' || outcome === 'ended needs-attention') break; // every task done, or failed by a 'fail' answer
    if (finishingRuns > 3) throw new Error(`the session did not finish after the kills: ${outcome}`);
  }
  await new Promise(r => setTimeout(r, 600)); // the last processes write their end lines
  const final = starts();
  const core = await openContinuum({ folder, fs: nodeFileSystem, readOnly: true });
  const done = core.tasks.list().filter(t => t.status === 'done').length;
  const failed = core.tasks.list().filter(t => t.status === 'failed').length;
  await core.close();
  const repeated = new Set<string>();
  for (const snapshot of seenDone)
    for (const [title, count] of snapshot) if ((final.get(title) ?? 0) !== count) repeated.add(title);
  const overlaps = { nonRerunnable: 0, rerunnable: 0 };
  const overlapWho: string[] = [];
  for (const l of logLines()) {
    if (l.startsWith('WHO ')) overlapWho.push(l.slice(4));
    if (!l.startsWith('OVERLAP ')) continue;
    if (nonRerunnable.has(l.slice(8))) overlaps.nonRerunnable++;
    else overlaps.rerunnable++;
  }
  return {
    kills,
    byKind,
    tasks: o.tasks,
    done,
    failed,
    repeatedNonRerunnable: [...final]
      .filter(([t, n]) => nonRerunnable.has(t) && n > 1)
      .map(([t]) => t)
      .sort(),
    overlaps,
    overlapWho,
    repeatedAfterDone: [...repeated].sort(),
    rerunCutOff: [...final].filter(([t, n]) => !nonRerunnable.has(t) && n > 1).length,
    finishingRuns,
    elapsedMs: Date.now() - started,
    loadAverage: os.loadavg().map(n => Math.round(n * 100) / 100),
  };
}

export interface KilledAtSpawnResult {
  /** How often the task's command started. */
  starts: number;
  /** Starts while an earlier copy still ran: must be 0. */
  overlaps: number;
  /** What the finishing run printed last. */
  outcome: string;
}

/**
 * One re-runnable task whose process runs for `runMs`; the runner is SIGKILLed the instant that
 * process has started (before anything else of its run happens), then a second runner resumes,
 * waiting for orphans. The step's process must be found, and waited for, not run beside.
 */
export async function runKilledAtSpawn(o: {
  work: string;
  child: string;
  runMs: number;
}): Promise<KilledAtSpawnResult> {
  const folder = path.join(o.work, 'store');
  const workspace = path.join(o.work, 'ws');
  fs.mkdirSync(path.join(workspace, 'pids'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'work.js'), workScript);
  fs.writeFileSync(path.join(workspace, 'log'), '');
  const setup = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
  const [task] = await setup.tasks.createMany([
    {
      title: name(0),
      action: { kind: 'shell' as const, command: `"${process.execPath}" work.js ${name(0)} ${o.runMs}` },
    },
  ]);
  const sessionId = (await setup.sessions.create({ name: 'killed at spawn', taskIds: [task.id] })).id;
  await setup.close();
  const options = { work: o.work, child: o.child, tasks: 1, kills: 1, concurrency: 1 };
  const first = await runChild(options, folder, workspace, sessionId, { KILL_ON_SPAWN: '1' }, Infinity);
  if (first !== 'killed')
    throw new Error(`the first runner was to be killed as its step's process started; it ended '${first}'`);
  const outcome = await runChild(options, folder, workspace, sessionId, { ORPHANS: 'wait' }, Infinity);
  await new Promise(r => setTimeout(r, o.runMs + 600)); // every copy has written its end line
  const lines = fs.readFileSync(path.join(workspace, 'log'), 'utf8').split('\n');
  return {
    starts: lines.filter(l => l.startsWith('start ')).length,
    overlaps: lines.filter(l => l.startsWith('OVERLAP ')).length,
    outcome,
  };
}

/** Runs the child until it ends or `delayMs` after it opened the store, then SIGKILLs it (the runner only). */
function runChild(
  o: Pick<ContractSoakOptions, 'child' | 'concurrency'>,
  folder: string,
  workspace: string,
  sessionId: string,
  env: Record<string, string>,
  delayMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--liftoff-only', o.child, folder, workspace, sessionId, String(o.concurrency)],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
    );
    let out = '';
    let err = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      if (out.includes('open\n') && !timer && Number.isFinite(delayMs))
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      err += text;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('done\n')) resolve('done');
      else if (code === 0) resolve(out.trim().split('\n').pop() ?? 'ended');
      else reject(new Error(`the contract-soak child failed (exit ${code}): ${err.slice(-2000)}`));
    });
  });
}
