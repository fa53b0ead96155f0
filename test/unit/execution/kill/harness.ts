// The executor kill loop shared by the unit test (a few rounds) and `npm run soak:executor` (all
// 50): a session of short shell tasks, each appending its name to a file, run by a child process
// that is SIGKILLed at random moments and started again, which resumes the session. After each kill
// the store is read: every task recorded done by then must never append again.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openContinuum } from '../../../../src/core/continuum';
import { nodeFileSystem } from '../../../../src/node/fileSystem';
import { bundleForNode } from '../../fakes/bundledCli';

export function buildKillChild(outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-kill-child-'))): string {
  return bundleForNode(outDir, path.join(__dirname, 'child.ts'), 'kill-child.js');
}

export interface KillRunOptions {
  work: string;
  child: string;
  tasks: number;
  kills: number;
  concurrency: number;
  /** Kill moments are drawn from [0, maxDelayMs] after the child has opened the store. */
  maxDelayMs: number;
  log?: (line: string) => void;
}

export interface KillRunResult {
  kills: number;
  /** Kills that hit while tasks were still left to run. */
  killsMidRun: number;
  tasks: number;
  done: number;
  /** Names recorded done before some kill that appended again afterwards: must be empty. */
  repeatedAfterDone: string[];
  /** Tasks that ran twice because a kill cut off their step before its result was recorded (allowed). */
  rerunCutOff: number;
  /** Runs needed after the last kill to finish. */
  finishingRuns: number;
  elapsedMs: number;
}

const name = (i: number) => `t${String(i).padStart(3, '0')}`;

export async function runKillLoop(o: KillRunOptions): Promise<KillRunResult> {
  const started = Date.now();
  const folder = path.join(o.work, 'store');
  const workspace = path.join(o.work, 'ws');
  const ids = path.join(workspace, 'ids.txt');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(ids, '');

  const setup = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
  const created = await setup.tasks.createMany(
    Array.from({ length: o.tasks }, (_, i) => ({
      title: name(i),
      action: { kind: 'shell' as const, command: `echo ${name(i)} >> ids.txt` },
    })),
  );
  const sessionId = (await setup.sessions.create({ name: 'kill test', taskIds: created.map(t => t.id) })).id;
  await setup.close();

  const counts = () => {
    const c = new Map<string, number>();
    for (const line of fs.readFileSync(ids, 'utf8').split('\n')) if (line) c.set(line, (c.get(line) ?? 0) + 1);
    return c;
  };
  /** After each kill: for each task done by then, how often its name was in the file. */
  const seenDone: Array<Map<string, number>> = [];
  let killsMidRun = 0;

  for (let k = 0; k < o.kills; k++) {
    const outcome = await runChild(o, folder, workspace, sessionId, Math.random() * o.maxDelayMs);
    const core = await openContinuum({ folder, fs: nodeFileSystem, readOnly: true });
    const done = core.tasks
      .list()
      .filter(t => t.status === 'done')
      .map(t => t.title);
    await core.close();
    const now = counts();
    seenDone.push(new Map(done.map(d => [d, now.get(d) ?? 0])));
    if (outcome === 'killed' && done.length < o.tasks) killsMidRun++;
    o.log?.(`kill ${k + 1}/${o.kills}: ${outcome}, ${done.length}/${o.tasks} done`);
  }

  let finishingRuns = 0;
  for (;;) {
    finishingRuns++;
    const outcome = await runChild(o, folder, workspace, sessionId, Infinity);
    if (outcome === 'done') break;
    if (finishingRuns > 3) throw new Error(`the session did not finish after the kills: ${outcome}`);
  }
  const final = counts();
  const core = await openContinuum({ folder, fs: nodeFileSystem, readOnly: true });
  const doneTitles = core.tasks
    .list()
    .filter(t => t.status === 'done')
    .map(t => t.title);
  await core.close();
  const repeated = new Set<string>();
  for (const snapshot of seenDone) {
    for (const [title, count] of snapshot) if ((final.get(title) ?? 0) !== count) repeated.add(title);
  }
  return {
    kills: o.kills,
    killsMidRun,
    tasks: o.tasks,
    done: doneTitles.length,
    repeatedAfterDone: [...repeated].sort(),
    rerunCutOff: [...final.values()].filter(n => n > 1).length,
    finishingRuns,
    elapsedMs: Date.now() - started,
  };
}

/** Runs the child until it says "done" or until `delayMs` after it opened the store, then SIGKILLs it. */
function runChild(
  o: KillRunOptions,
  folder: string,
  workspace: string,
  sessionId: string,
  delayMs: number,
): Promise<'killed' | 'done' | string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--liftoff-only', o.child, folder, workspace, sessionId, String(o.concurrency)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
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
      else reject(new Error(`the kill-test child failed (exit ${code}): ${err.slice(-2000)}`));
    });
  });
}
