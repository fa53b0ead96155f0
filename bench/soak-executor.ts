// Soak: the executor kill tests with all their rounds.
//  1. test/unit/execution/kill: 200 short shell tasks, each appending its name to a file, run by a
//     child SIGKILLed at random moments and resumed.
//  2. test/unit/execution/kill/contracts.ts: the "no repeated work" contracts — half the steps must
//     not run twice; kills at random moments, right after a store write is durable (every step
//     boundary, a resume's own recording) and while a write is in flight; the runner alone is killed,
//     so its task processes live on as orphans that each resume must wait for or stop.
//   npm run soak:executor                                   50 + 60 kills
//   KILL_ROUNDS=200 CONTRACT_KILLS=300 SOAK_MINUTES=10 npm run soak:executor
// Exits 1 when a task recorded done ran again, a step that must not run twice ran twice or beside
// itself, or a task was left unfinished.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildKillChild, runKillLoop } from '../test/unit/execution/kill/harness';
import { runContractSoak } from '../test/unit/execution/kill/contracts';

async function main(): Promise<void> {
  const kills = Number(process.env.KILL_ROUNDS ?? 50);
  const contractKills = Number(process.env.CONTRACT_KILLS ?? 60);
  const budgetMs = Number(process.env.SOAK_MINUTES ?? 30) * 60_000;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-kill-soak-'));
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
      console.log(JSON.stringify(r));
      if (r.repeatedAfterDone.length || r.done !== r.tasks) {
        console.error(
          `FAILED: ${r.repeatedAfterDone.length} done task(s) ran again (${r.repeatedAfterDone.slice(0, 10).join(', ')}); ${r.done}/${r.tasks} done`,
        );
        process.exitCode = 1;
      } else {
        console.log(
          `OK: ${r.kills} kills (${r.killsMidRun} mid-run), every task done, none recorded done ran again; ${r.rerunCutOff} cut-off steps re-ran (allowed: re-runnable); ${(r.elapsedMs / 1000).toFixed(1)} s`,
        );
      }
    }
    let round = 0;
    let totalKills = 0;
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
      console.log(JSON.stringify(r));
      const broken =
        r.repeatedNonRerunnable.length ||
        r.overlaps.nonRerunnable ||
        r.overlaps.rerunnable ||
        r.repeatedAfterDone.length ||
        r.done + r.failed !== r.tasks;
      if (broken) {
        console.error(
          `FAILED: ${r.repeatedNonRerunnable.length} step(s) that must not run twice ran twice (${r.repeatedNonRerunnable.slice(0, 10).join(', ')}); ${r.overlaps.nonRerunnable + r.overlaps.rerunnable} step(s) ran beside their orphan; ` +
            `${r.repeatedAfterDone.length} finished task(s) ran again; ${r.done + r.failed}/${r.tasks} finished`,
        );
        process.exitCode = 1;
      } else {
        console.log(
          `OK: ${r.kills} kills (${r.byKind.random} random, ${r.byKind['after-write']} after a write, ${r.byKind['in-write']} during a write); 0 repeated non-re-runnable steps; ` +
            `0 steps beside their orphan; ${r.rerunCutOff} cut-off re-runnable steps re-ran (allowed); ${r.failed} failed by a 'fail' answer; load ${r.loadAverage.join(' ')}; ${(r.elapsedMs / 1000).toFixed(1)} s`,
        );
      }
    }
    console.log(
      `contracts: ${totalKills} kills over ${round} session(s) in ${((Date.now() - started) / 60_000).toFixed(1)} min; load average ${os
        .loadavg()
        .map(n => n.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
