// The CLI's graph commands (dist/cliGraph.js, which dist/cli.js loads for `continuum graph …`, and
// dist/cliGraphBuild.js for `graph build` once it found no holder of the store to ask):
//   continuum graph build [FOLDER...] | stats | affected FILE --store DIR
// on the store and its knowledge graph alone, without the rest of the CLI (tasks, sessions, agents,
// model clients: a bundle four times the size, whose loading was a fifth of a graph build on
// PatternFly's 3,176 files). Anything else (help, an option it does not take, no --store) goes to
// the whole CLI (dist/cliMain.js), which says what is wrong as for every command.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Worker } from 'worker_threads';
import { KnowledgeGraph } from '../core/graph/knowledgeGraph';
import { openStore } from '../core/store/store';
import { nodeFileSystem } from '../node/fileSystem';
import { WorkerGraphParser } from '../node/graphWorkerParser';
import { nodeLock } from '../node/lock';
import { currentOwner } from '../node/lockOwner';
import { parseGraphArgs } from './graphArgs';
import { graphCommand, graphTimes, scanAheadOf } from './graph';
import { daemonWanted, startDaemon } from './daemonStart';
import { setEngineFlags } from './engine';
import { exit, lockLostExitCode } from './exit';
import { forTerminal } from './terminalText';

async function main(args: { operands: string[]; store: string }, started?: Worker): Promise<number> {
  const build = args.operands[0] === 'build';
  const times = build ? graphTimes() : undefined;
  // the holder, if any, was asked before this bundle was loaded (graphBuildMain.ts)
  times?.("loaded the graph's CLI");
  // the graph's worker is bundled beside the CLI (dist/graphWorker.js); for a build it started
  // before this bundle loaded (graphBuildMain.ts). A build that reads every file shares the reading
  // with a second worker on a machine of four cores or more; into a new store, that one starts at
  // once too. This process builds once: its worker remembers no folder listings.
  const parser = new WorkerGraphParser(path.join(__dirname, 'graphWorker.js'), {
    readers: readers(),
    rememberFolders: false,
    started,
  });
  // it scans the folders then too (one started before this bundle loaded was asked to then)
  if (build)
    parser.warm({ helpers: isNewFolder(args.store), scan: started ? undefined : scanAheadOf(args.operands.slice(1)) });
  // V8's flags once the worker has started: set before, they made it compile Node's own code from
  // source (engine.ts), and a build after an edit waits for the worker
  if (build) await parser.loaded();
  setEngineFlags('graph', args.operands[0]);
  const store = await openStore({
    folder: args.store,
    fs: nodeFileSystem,
    lock: nodeLock(),
    owner: currentOwner('continuum CLI'),
    // No snapshot copy in a worker (what keeps the extension host's thread free of a large store's
    // checks and exports): here it made the open wait for that worker to start and compile sql.js,
    // and replayed every batch of a build on the second core, the one the graph worker reads on.
    // A build checks the snapshot (beyond its checksum) once it has asked the worker, below.
    checkLater: build,
  });
  times?.('opened the store');
  // SQLite's check of the snapshot, while the worker looks over the files: by the time this runs the
  // build has asked it (its request is made without waiting for anything), and a build after an edit
  // waits for the worker, not for this thread (PatternFly's 7.6 MB store: 15–40 ms of this thread)
  if (build)
    setImmediate(() => {
      store.checkSnapshot();
      times?.('checked the snapshot');
    });
  const graph = new KnowledgeGraph(store, () => parser);
  store.onDidLoseLock(reason => {
    console.error(`continuum: ${reason}`);
    exit(lockLostExitCode);
  });
  const stop = async () => {
    graph.dispose();
    await store.close();
    process.exit(130);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  let code: number;
  try {
    code = await graphCommand(graph, args.operands, times);
  } finally {
    graph.dispose();
    await store.close();
    times?.('closed the store');
  }
  // nobody held the store (or it would have built): leave it held, warm, for the next build
  if (build && code === 0 && daemonWanted(process.env))
    startDaemon(path.resolve(args.store), path.join(__dirname, 'cli.js'));
  return code;
}

/**
 * Two readers on four cores or more. A second worker costs CPU time of its own (its start and
 * compiling its hot code again; when measured, also loading TypeScript, which a worker now loads only
 * for a file that needs the parser): on two cores, with the main thread storing batches, it made
 * PatternFly's build slower (3.1–4.8 s against 2.1–4.1 s with one, four interleaved runs each, load
 * 2.4–3.8). More readers cost memory for little.
 */
function readers(): number {
  return (os.availableParallelism?.() ?? os.cpus().length) >= 4 ? 2 : 1;
}

function isNewFolder(folder: string): boolean {
  try {
    return fs.readdirSync(folder).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/**
 * Runs `continuum ARGV` (a graph command). `started`: the graph worker `graph build` started before
 * this bundle loaded, already asked to scan its folders (scanAhead).
 */
export function runGraphCli(argv: readonly string[], started?: Worker): void {
  const args = parseGraphArgs(argv);
  if (!args) {
    void started?.terminate();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the whole CLI, bundled beside this one
    require('./cliMain.js');
    return;
  }
  main(args, started).then(exit, err => {
    console.error(`continuum: ${forTerminal((err as Error).message)}`);
    exit(1);
  });
}
