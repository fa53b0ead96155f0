// Soak: the executor kill test (test/unit/execution/kill) with all its rounds: 200 short shell
// tasks, each appending its name to a file, run by a child SIGKILLed at random moments and resumed.
//   npm run soak:executor                  50 kills
//   KILL_ROUNDS=200 npm run soak:executor  more
// Exits 1 when a task recorded done ran again, or when a task was left unfinished.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildKillChild, runKillLoop } from '../test/unit/execution/kill/harness';

async function main(): Promise<void> {
  const kills = Number(process.env.KILL_ROUNDS ?? 50);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-kill-soak-'));
  console.log(`soak:executor: 200 tasks, ${kills} kills, folder ${work}`);
  try {
    const child = buildKillChild(path.join(work, 'bin'));
    // Short delays, so that the kills spread over the whole run instead of all landing after it.
    const r = await runKillLoop({ work, child, tasks: 200, kills, concurrency: 2, maxDelayMs: 120, log: line => console.log(`  ${line}`) });
    console.log(JSON.stringify(r));
    if (r.repeatedAfterDone.length || r.done !== r.tasks) {
      console.error(`FAILED: ${r.repeatedAfterDone.length} done task(s) ran again (${r.repeatedAfterDone.slice(0, 10).join(', ')}); ${r.done}/${r.tasks} done`);
      process.exitCode = 1;
    } else {
      console.log(`OK: ${r.kills} kills (${r.killsMidRun} mid-run), every task done, none recorded done ran again; ${r.rerunCutOff} cut-off steps re-ran (allowed: re-runnable); ${(r.elapsedMs / 1000).toFixed(1)} s`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
