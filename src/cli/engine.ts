// How V8 runs each CLI command, set before its bundle loads (dist/cli.js sets it; `graph build`,
// which first only asks the store's holder, sets it before the graph's own CLI loads).
//
// A command that reads a little and ends (status, export, briefing, checkpoint, graph stats and
// affected: what agents' hooks call) runs sql.js on V8's baseline WebAssembly compiler only: the
// optimising one would recompile the whole database engine in the background, and the process waits
// for that at its exit — a quarter of a second of such a command's time here. So does graph build: its
// few thousand inserts do not pay for the recompilation either (PatternFly's 3,176 files: 2.5 against
// 2.7 s and 2.6 against 2.8 s of CPU, five interleaved runs; after a one-line edit 1.15 against 1.3 s).
// The others (run, resume, mcp, imports) keep it, for their many queries.
// Set while the process runs, --liftoff-only alone is not enough: V8 derives its other WebAssembly
// flags from it only when it starts, and went on recompiling sql.js's hot functions in the background
// (its compiler threads used 320–340 ms of CPU in PatternFly's build, against 170–210 with the two
// tiering flags as well; the build then took 866 against 918 ms, medians of 10 interleaved runs).
//
// On fewer than four cores, graph build also runs its JavaScript without V8's optimising compiler
// (TurboFan; Sparkplug and Maglev stay): its compiler threads took more CPU than the graph's worker
// or main thread did (0.5–0.8 of 1.6–1.8 s), on the cores those two read and store on. PatternFly's
// build took 916 against 1,143 ms (medians of 10 interleaved runs, load 2.0; 752 against 969 with
// the flag on Node's command line), and five copies of it (15,900 files) 2.83 against 3.0 s. (It is
// --no-turbofan here: --max-opt=2 does the same on the command line, but set now it changes nothing.)
// With four cores or more the build has a second reader and a core to spare, and nothing was
// measured there: V8's defaults stay.
//
// Set at run time, any V8 flag also makes V8 refuse the compiled code Node caches for its own modules
// (the flags are part of what the cache is checked against): every built-in loaded after that, and
// the whole start of a worker thread, compile from source. The graph worker's start took 70–80 ms of
// its thread instead of 30–40. So the graph's commands set them only when the store is about to open
// and compile sql.js (graphMain.ts), after their bundle and its built-ins loaded, and `graph build`
// only once its worker has started.
import * as nodeModule from 'module';

/** Sets V8's flags for `command sub` (setEngineFlags) and turns on Node's compile cache for the bundle it loads next. */
export function prepareEngine(command: string | undefined, sub: string | undefined): void {
  setEngineFlags(command, sub);
  enableCompileCache();
}

/** Turns on Node's compile cache, for the bundles loaded from now on (nothing before Node 22.1). */
export function enableCompileCache(): void {
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}

/** Sets V8's flags for `command sub`: before the store opens, which compiles sql.js. */
export function setEngineFlags(command: string | undefined, sub: string | undefined): void {
  // required here, not where the entry starts: loading them took 2–3 ms, which `graph build`
  // answered by a holder does without
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { setFlagsFromString } = require('v8') as typeof import('v8');
  const { availableParallelism } = require('os') as typeof import('os');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const quick =
    ['status', 'export', 'briefing', 'checkpoint'].includes(command ?? '') ||
    (command === 'graph' && (sub === 'stats' || sub === 'affected' || sub === 'build'));
  if (quick) setFlagsFromString('--liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering');
  if (command === 'graph' && sub === 'build' && availableParallelism() < 4) setFlagsFromString('--no-turbofan');
}
