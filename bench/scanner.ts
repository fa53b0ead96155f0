// Our scanner (src/core/graph/scanner.ts) against TypeScript's over every source file of the benchmark
// corpora: each file is read by the token reader with both, and their tokens must be the same (kind,
// start, end, line break before, value) or ours must give up. Prints, per corpus, files read the same,
// files ours gave up on (and of those, how many TypeScript's read), and every mismatch (must be 0).
//   node --import tsx bench/scanner.ts [corpus …]     (default: every folder of bench/corpora/src)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Scanner } from '../src/core/graph/scanner';
import { tokenizeWith } from '../src/core/graph/tokens';
import { tokenRows, typescriptScanner } from '../test/unit/graph/typescriptScanner';

const root = path.join(__dirname, 'corpora', 'src');
const source = /\.(?:[cm]?[jt]sx?)$/;

function* files(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (source.test(entry.name)) yield full;
  }
}

const ours = new Scanner();
const theirs = typescriptScanner();
const corpora = process.argv.slice(2).length ? process.argv.slice(2) : fs.readdirSync(root).sort();
let totalMismatches = 0;
const results: Record<string, Record<string, number>> = {};
for (const corpus of corpora) {
  let same = 0;
  let bothGaveUp = 0;
  let oursOnlyGaveUp = 0;
  const mismatches: string[] = [];
  const gaveUp: string[] = [];
  const texts: Array<[string, boolean]> = [];
  for (const file of files(path.join(root, corpus))) {
    const text = fs.readFileSync(file, 'utf8');
    const jsx = !/\.[cm]?ts$/.test(file);
    texts.push([text, jsx]);
    const expected = tokenRows(theirs, text, jsx);
    const actual = tokenRows(ours, text, jsx);
    const id = path.relative(root, file);
    if (actual === 'GiveUp') {
      if (expected === 'GiveUp') bothGaveUp++;
      else {
        oursOnlyGaveUp++;
        gaveUp.push(id);
      }
    } else if (JSON.stringify(actual) === JSON.stringify(expected)) same++;
    else mismatches.push(id);
  }
  totalMismatches += mismatches.length;
  results[corpus] = {
    files: same + mismatches.length + bothGaveUp + oursOnlyGaveUp,
    same,
    mismatches: mismatches.length,
    gave_up: bothGaveUp + oursOnlyGaveUp,
    ours_only_gave_up: oursOnlyGaveUp,
  };
  const oursMs = bestOf(3, () => readAll(ours, texts));
  const theirsMs = bestOf(3, () => readAll(theirs, texts));
  console.log(
    `${corpus}: ${same} files read the same, ${mismatches.length} mismatches, ` +
      `gave up on ${bothGaveUp + oursOnlyGaveUp} (TypeScript's scanner also on ${bothGaveUp}); ` +
      `the token reader takes ${Math.round(oursMs)} ms with ours, ${Math.round(theirsMs)} ms with TypeScript's (best of 3)`,
  );
  for (const id of mismatches) console.log(`  mismatch: ${id}`);
  for (const id of gaveUp.slice(0, 10)) console.log(`  ours gave up, TypeScript's did not: ${id}`);
  Object.assign(results[corpus], { ours_ms: Math.round(oursMs), typescript_ms: Math.round(theirsMs) });
}
// the figures as one JSON object, the last line (with the load: this machine is shared)
console.log(JSON.stringify({ load: os.loadavg().map(l => Math.round(l * 100) / 100), corpora: results }));
/** Reads every text with the token reader (the tokens are not kept: only the time counts). */
function readAll(scanner: Parameters<typeof tokenizeWith>[0], texts: Array<[string, boolean]>): void {
  for (const [text, jsx] of texts) {
    try {
      tokenizeWith(scanner, text, jsx);
    } catch {
      // a file given up on: timed up to there, as in a build
    }
  }
  scanner.reset(undefined, false);
}

function bestOf(runs: number, run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    run();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

process.exitCode = totalMismatches ? 1 : 0;
