// `continuum graph build` (dist/cliGraphBuild.js, which dist/cli.js loads for it): first asks the
// store's holder to build, with nothing loaded but the endpoint's client; only when nobody holds the
// store does it load the graph's own CLI (dist/cliGraph.js), which opens the store and builds here.
// An agent's hook or a person at a terminal, while a VS Code window or an agent's MCP server holds
// the store, then waits for Node's start, the client and the holder's build, not for the store and
// the graph's code to load as well (which had this process start its request 45 ms after Node did,
// against 31–35 now).
// When it builds here, the graph's worker starts first, before that bundle loads: after an edit the
// worker's part (its start, 40 ms of a thread on its own and up to 100 with the store opening beside
// it, then looking over the folders for what changed) is what the build waits for, not the store.
import * as path from 'path';
import type { Worker } from 'worker_threads';
import { startGraphWorker, scanAhead } from '../node/graphWorkerStart';
import { enableCompileCache } from './engine';
import { exit } from './exit';
import { graphTimes, scanAheadOf } from './graph';
import { parseGraphArgs } from './graphArgs';
import { builtByHolder } from './graphThroughHolder';
import { forTerminal } from './terminalText';

const argv = process.argv.slice(2);
const args = parseGraphArgs(argv);

/** The graph's own CLI, bundled beside this one, on `argv`. */
function graphCli(started?: Worker): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when it is needed
  (require('./cliGraph.js') as typeof import('./graphMain')).runGraphCli(argv, started);
}

if (args?.operands[0] !== 'build') {
  enableCompileCache(); // V8's flags are set when the store opens (engine.ts)
  graphCli();
} else {
  const folders = args.operands.slice(1);
  const times = graphTimes();
  times?.('the CLI started');
  builtByHolder(args.store, folders, times).then(
    built => {
      if (built) return exit(0);
      enableCompileCache(); // V8's flags are set when the store opens (engine.ts)
      const worker = startGraphWorker(path.join(__dirname, 'graphWorker.js'), { rememberFolders: false });
      scanAhead(worker, scanAheadOf(folders));
      graphCli(worker);
    },
    (err: unknown) => {
      console.error(`continuum: ${forTerminal((err as Error).message)}`);
      exit(1);
    },
  );
}
