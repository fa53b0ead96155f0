// Soak: the executor kill tests with all their rounds.
//  1. test/unit/execution/kill: 200 short shell tasks, each appending its name to a file, run by a
//     child SIGKILLed at random moments and resumed.
//  2. test/unit/execution/kill/contracts.ts: the "no repeated work" contracts — half the steps must
//     not run twice; kills at random moments, right after a store write is durable (every step
//     boundary, a resume's own recording) and while a write is in flight; the runner alone is killed,
//     so its task processes live on as orphans that each resume must wait for or stop.
//  3. test/unit/execution/kill/lockStall.ts: a stalled lock holder — the real CLI's `run` SIGSTOPped
//     mid-run until its lock is stale (every other round waited out for real, 15 s), a `resume` that
//     takes the store over, then SIGCONT: the woken run must stop cleanly (non-zero exit, no
//     unhandled error), no step that must not run twice runs twice or beside itself, and every task
//     it printed done is done and never ran again.
//   npm run soak:executor                                   50 + 60 kills, 6 stalls
//   KILL_ROUNDS=200 CONTRACT_KILLS=300 SOAK_MINUTES=10 LOCK_STALLS=20 npm run soak:executor
//   LOCK_STALL_SEED=1234                                    repeat the stalls' choices (not their timing)
// Prints a table and one JSON line last. Exits 1 when a task recorded done ran again, a step that
// must not run twice ran twice or beside itself, a task was left unfinished, or a woken run did not
// stop cleanly.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundleForNode } from '../test/unit/fakes/bundledCli';
import { buildKillChild, runKillLoop } from '../test/unit/execution/kill/harness';
import { runContractSoak, taskContractViolations } from '../test/unit/execution/kill/contracts';
import { lockStallViolations, runLockStalls } from '../test/unit/execution/kill/lockStall';

const load = () => os.loadavg().map(n => Math.round(n * 100) / 100);

async function main(): Promise<void> {
  const kills = Number(process.env.KILL_ROUNDS ?? 50);
  const contractKills = Number(process.env.CONTRACT_KILLS ?? 60);
  const budgetMs = Number(process.env.SOAK_MINUTES ?? 30) * 60_000;
  const stalls = Number(process.env.LOCK_STALLS ?? 6);
  const stallSeed = Number(process.env.LOCK_STALL_SEED ?? Date.now() % 1_000_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-kill-soak-'));
  const figures: Record<string, unknown> = { loadAtStart: load() };
  const failures: string[] = [];
  try {
    const child = buildKillChild(path.join(work, 'bin'));
    if (kills > 0) {
      console.log(`soak:executor: 200 tasks, ${kills} kills, folder ${work}`);
      // Short delays, so that the kills spread over the whole run instead of all landing after it.
      fs.mkdirSync(path.join(work, 'plain'));
      const r = await runKillLoop({
        work: path.join(work, 'plain'),
        child,
        tasks: 200,
        kills,
        concurrency: 2,
        maxDelayMs: 120,
        log: line => console.log(`  ${line}`),
      });
      figures.killLoop = {
        kills: r.kills,
        killsMidRun: r.killsMidRun,
        done: `${r.done}/${r.tasks}`,
        repeatedAfterDone: r.repeatedAfterDone.length,
        rerunCutOff: r.rerunCutOff,
        seconds: Math.round(r.elapsedMs / 100) / 10,
      };
      if (r.repeatedAfterDone.length || r.done !== r.tasks)
        failures.push(
          `kill loop: ${r.repeatedAfterDone.length} done task(s) ran again (${r.repeatedAfterDone.slice(0, 10).join(', ')}); ${r.done}/${r.tasks} done`,
        );
    }
    let round = 0;
    let totalKills = 0;
    const contracts = {
      kills: 0,
      random: 0,
      afterWrite: 0,
      inWrite: 0,
      sessions: 0,
      repeatedNonRerunnable: 0,
      overlaps: 0,
      repeatedAfterDone: 0,
      unfinished: 0,
      rerunCutOff: 0,
      failedByAnswer: 0,
      seconds: 0,
    };
    const started = Date.now();
    while (totalKills < contractKills && Date.now() - started < budgetMs) {
      round++;
      const dir = path.join(work, `contracts-${round}`);
      fs.mkdirSync(dir);
      console.log(
        `soak:executor contracts, session ${round}: 60 tasks (30 must not run twice), up to ${contractKills - totalKills} kills`,
      );
      const r = await runContractSoak({
        work: dir,
        child,
        tasks: 60,
        kills: contractKills - totalKills,
        concurrency: 3,
        budgetMs: budgetMs - (Date.now() - started),
        log: line => console.log(`  ${line}`),
      });
      totalKills += r.kills;
      contracts.kills += r.kills;
      contracts.random += r.byKind.random;
      contracts.afterWrite += r.byKind['after-write'];
      contracts.inWrite += r.byKind['in-write'];
      contracts.sessions++;
      contracts.repeatedNonRerunnable += r.repeatedNonRerunnable.length;
      contracts.overlaps += r.overlaps.nonRerunnable + r.overlaps.rerunnable;
      contracts.repeatedAfterDone += r.repeatedAfterDone.length;
      contracts.unfinished += r.tasks - r.done - r.failed;
      contracts.rerunCutOff += r.rerunCutOff;
      contracts.failedByAnswer += r.failed;
      const broken = taskContractViolations(r);
      if (broken.length) {
        failures.push(`contracts, session ${round}: ${broken.join('; ')}`);
        console.log(JSON.stringify(r));
      } else {
        console.log(
          `  OK: ${r.kills} kills (${r.byKind.random} random, ${r.byKind['after-write']} after a write, ${r.byKind['in-write']} during a write); 0 repeated non-re-runnable steps; ` +
            `0 steps beside their orphan; ${r.rerunCutOff} cut-off re-runnable steps re-ran (allowed); ${r.failed} failed by a 'fail' answer; load ${r.loadAverage.join(' ')}; ${(r.elapsedMs / 1000).toFixed(1)} s`,
        );
      }
    }
    contracts.seconds = Math.round((Date.now() - started) / 100) / 10;
    if (contractKills > 0) figures.contracts = contracts;

    if (stalls > 0) {
      console.log(`soak:executor stalled lock holder: ${stalls} stalls of a running CLI, seed ${stallSeed}`);
      const cli = bundleForNode(path.join(work, 'cli'));
      fs.mkdirSync(path.join(work, 'stalls'));
      const r = await runLockStalls({
        work: path.join(work, 'stalls'),
        cli,
        rounds: stalls,
        seed: stallSeed,
        log: line => console.log(`  ${line}`),
      }).catch((err: Error) => {
        failures.push(`lock stalls (seed ${stallSeed}): ${err.message}`);
        return undefined;
      });
      if (r)
        figures.lockStalls = {
          stalls: r.rounds,
          waitedOut: r.realStalls,
          stoppedExitCodes: r.stoppedExitCodes,
          orphanAnswers: r.orphanAnswers,
          doneByStopped: r.doneByStopped,
          done: r.done,
          failed: r.failed,
          tasks: r.tasks,
          repeatedNonRerunnable: r.repeatedNonRerunnable.length,
          overlaps: r.overlaps.nonRerunnable + r.overlaps.rerunnable,
          repeatedAfterDone: r.repeatedAfterDone.length,
          lostAcknowledged: r.lostAcknowledged.length,
          unclean: r.unclean.length,
          rerunCutOff: r.rerunCutOff,
          seed: stallSeed,
          seconds: Math.round(r.elapsedMs / 100) / 10,
        };
      for (const v of r ? lockStallViolations(r) : []) failures.push(`lock stalls (seed ${stallSeed}): ${v}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  figures.violations = failures.length;
  figures.loadAtEnd = load();
  console.log(failures.length ? 'soak FAILED' : 'soak passed');
  for (const f of failures) console.error(`  FAILED: ${f}`);
  for (const [k, v] of Object.entries(figures))
    console.log(`  ${k.padEnd(14)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  console.log(JSON.stringify(figures));
  if (failures.length) process.exitCode = 1;
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
