// The Continuum CLI: the same core, driven from a terminal.
//   continuum status --store DIR      tasks, sessions and the store's health
//   continuum export --store DIR [--out FILE]
//   continuum graph build [FOLDER...] | stats | affected FILE --store DIR
//   continuum run    --store DIR [--workspace DIR] [--concurrency N] [--phase P] [--tasks id,...] [--yes] [--lm-provider P --lm-model M --lm-base-url U --lm-key-env NAME]
//   continuum resume --store DIR [--workspace DIR] [--concurrency N] [--session ID] [--yes] [--orphans wait|stop]
//   continuum plan import FILE --store DIR [--dry-run] [--json]   (src/cli/plan.ts)
//   continuum plan "GOAL" [--store DIR] [--workspace DIR] [--import] [--out FILE] [--lm-…]   (src/cli/planGoal.ts)
//   continuum briefing [--workspace DIR | --store DIR] [--format markdown|json] [--detail concise|detailed]   (src/cli/briefing.ts)
//   continuum mcp [--workspace DIR] [--store DIR] [--tools lean|full]   (src/cli/mcp.ts)
//   continuum daemon [stop] --store DIR [--idle-minutes N]   (src/cli/daemon.ts)
import { sessionStateText } from '../core/sessions/progress';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { openContinuum, type Continuum } from '../core/continuum';
import { exportState } from '../core/state/stateFile';
import { LockLostError } from '../core/store/types';
import { nodeFileSystem } from '../node/fileSystem';
import { WorkerGraphParser } from '../node/graphWorkerParser';
import { workerSnapshotCopies } from '../node/storeWorker';
import { nodeLock } from '../node/lock';
import { currentOwner } from '../node/lockOwner';
import type { LmChoice } from '../node/lm/config';
import { briefingCommand, parseBriefingArgs, type StoreChoice } from './briefing';
import { checkpointFromTerminal } from './checkpoint';
import { askDaemonToStepAside } from './daemonAside';
import { exit, lockLostExitCode } from './exit';
import { graphCommand, graphTimes } from './graph';
import { builtByHolder } from './graphThroughHolder';
import { parsePlanArgs, planCommand } from './plan';
import { CliError, forTerminal, runSession } from './run';

const usage = `usage: continuum <command> --store DIR [options]
commands:
  status            tasks, sessions and the store's health
  export [--out F]  the whole state as JSON (to F, or to standard output)
  graph build [FOLDER...]  builds the knowledge graph of the folders (default: the current one), or brings it up to date
  graph stats       files, symbols, relations, cycles, most depended-on and largest modules
  graph affected F  what may break when file F (or a component id) changes, nearest first
  run               run the unfinished tasks' shell commands in a new session
      --workspace DIR   the folder commands run in (default: the current folder)
      --concurrency N   tasks side by side (default 2)
      --phase P         only one phase's tasks (its number, title or id)
      --tasks a,b       only these tasks (ids, plan keys or numbers)
      --yes             confirm an imported plan's commands, and allow tasks the confidence
                        gate is unsure of, without asking
      --orphans wait|stop  a step's process left running by a killed run: wait for it, or stop it
                        (asked on a terminal; without one, waited for)
      --lm-provider openai|anthropic, --lm-model M, --lm-base-url U, --lm-key-env NAME
                        the language model lm tasks use (default: CONTINUUM_LM_PROVIDER,
                        CONTINUUM_LM_MODEL, CONTINUUM_LM_BASE_URL; the key is read from the
                        environment variable NAME, default CONTINUUM_LM_API_KEY). Without one,
                        lm tasks wait. With --yes the model may run any command in the workspace.
  resume            continue the paused or interrupted session (--session ID for another one)
  briefing          where the work stands, for an agent starting or resuming: [--format markdown|json] [--detail concise|detailed]
                    (--workspace DIR: the store VS Code uses for DIR, the default being the current folder)
  checkpoint        save a checkpoint (for an agent's hook before its conversation is compacted): [--note TEXT] [--agent NAME] [--workspace DIR]
  plan import FILE  preview a markdown plan (phases, priorities, dependencies, unused lines) and
                    import it; --dry-run only shows, --json prints one JSON object
  plan "GOAL"       a language model proposes a plan for GOAL (the model as for run; the store's
                    context and graph); prints its preview. --import imports it, --out FILE
                    writes its markdown, --workspace DIR (default: the current folder)
  mcp               serve Continuum's tools to an agent over MCP on standard input/output
                    (--workspace DIR: the store VS Code uses for DIR; --tools lean|full)
  daemon [stop]     hold the store in the background so that graph build is quick (a graph build
                    that found nobody holding the store starts one; CONTINUUM_DAEMON=off: none);
                    it gives the store to any process that would hold it. stop: end it now
Ctrl+C pauses a run (running tasks finish); a second Ctrl+C stops them now. Manual tasks and
VS Code tasks are left for VS Code.`;

const commands = ['status', 'export', 'graph', 'run', 'resume'];

interface Args {
  command?: string;
  /** Words after the command (graph's sub-command and its operands). */
  operands: string[];
  store?: string;
  out?: string;
  workspace?: string;
  concurrency?: number;
  phase?: string;
  tasks?: string[];
  session?: string;
  yes: boolean;
  orphans?: 'wait' | 'stop';
  lm: LmChoice;
}

function parseArgs(argv: string[]): Args {
  const words: string[] = [];
  const args: Args = { operands: [], yes: false, lm: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CliError(`${a} needs a value.\n${usage}`);
      return v;
    };
    if (a === '--store') args.store = value();
    else if (a === '--out') args.out = value();
    else if (a === '--workspace') args.workspace = value();
    else if (a === '--phase') args.phase = value();
    else if (a === '--session') args.session = value();
    else if (a === '--lm-provider') args.lm.provider = value();
    else if (a === '--lm-model') args.lm.model = value();
    else if (a === '--lm-base-url') args.lm.baseUrl = value();
    else if (a === '--lm-key-env') args.lm.keyEnv = value();
    else if (a === '--tasks')
      args.tasks = value()
        .split(',')
        .map(t => t.trim())
        .filter(Boolean);
    else if (a === '--concurrency') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 64)
        throw new CliError('--concurrency takes a whole number from 1 to 64.');
      args.concurrency = n;
    } else if (a === '--orphans') {
      const v = value();
      if (v !== 'wait' && v !== 'stop') throw new CliError("--orphans takes 'wait' or 'stop'.");
      args.orphans = v;
    } else if (a === '--yes' || a === '-y') args.yes = true;
    else if (a === '--help' || a === '-h') continue;
    else if (a.startsWith('-')) throw new CliError(`unknown option '${a}'.\n${usage}`);
    else words.push(a);
  }
  [args.command, ...args.operands] = words;
  return args;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'plan') return planFromTerminal(argv.slice(1));
  if (argv[0] === 'briefing') return briefingFromTerminal(argv.slice(1));
  if (argv[0] === 'checkpoint') return checkpointFromTerminal(argv.slice(1));
  if (argv[0] === 'mcp') return (await import('./mcp')).mcpFromTerminal(argv.slice(1));
  if (argv[0] === 'daemon') return (await import('./daemon')).daemonFromTerminal(argv.slice(1));
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    console.error(`continuum: ${(err as Error).message}`);
    return 2;
  }
  if (!args.command || argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return args.command ? 0 : 2;
  }
  if (!commands.includes(args.command)) {
    console.error(`continuum: unknown command '${args.command}'\n${usage}`);
    return 2;
  }
  if (!args.store) {
    console.error(
      'continuum: say which store with --store DIR (in VS Code: the folder named in the Continuum output channel).',
    );
    return 2;
  }
  if (args.command === 'graph' && !['build', 'stats', 'affected'].includes(args.operands[0] ?? '')) {
    console.error(`continuum: graph needs build, stats or affected\n${usage}`);
    return 2;
  }
  const graphBuild = args.command === 'graph' && args.operands[0] === 'build';
  const times = graphBuild ? graphTimes() : undefined;
  times?.('the CLI started');
  // another process holds the store: that one builds (see graphMain.ts)
  if (graphBuild && (await builtByHolder(args.store, args.operands.slice(1)))) return 0;
  // a run writes: the daemon gives the store up to it (status and export read, beside whoever holds it)
  if (args.command === 'run' || args.command === 'resume') await askDaemonToStepAside(args.store, args.command);
  // the graph's worker is bundled beside the CLI (dist/graphWorker.js); for a build, it starts while
  // the store opens (and, the process building once, remembers no folder listings)
  const parser = new WorkerGraphParser(path.join(__dirname, 'graphWorker.js'), { rememberFolders: !graphBuild });
  if (graphBuild) parser.warm();
  const graphParser = () => parser;
  const core = await openContinuum({
    folder: args.store,
    fs: nodeFileSystem,
    lock: nodeLock(),
    owner: currentOwner('continuum CLI'),
    graphParser,
    snapshots: workerSnapshotCopies(path.join(__dirname, 'storeWorker.js')),
  });
  times?.('opened the store');
  const lockLost = whenLockLost(core, args.command === 'run' || args.command === 'resume');
  if (args.command === 'run' || args.command === 'resume') {
    const agents = await (
      await import('../node/endpoint/cliRun')
    ).serveRunToAgents(core, path.resolve(args.workspace ?? process.cwd())); // agents' MCP servers reach the store through the run; their done runs verify in its workspace
    try {
      return await runFromTerminal(core, args, lockLost);
    } finally {
      await agents?.close();
      await core.close();
    }
  }
  const stop = async () => {
    await core.close();
    process.exit(130);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  try {
    if (args.command === 'status') printStatus(core);
    else if (args.command === 'graph') return await graphCommand(core.graph, args.operands, times);
    else {
      const json = JSON.stringify(exportState(core.store, Date.now()), null, 1);
      if (args.out) await fsp.writeFile(args.out, json);
      else process.stdout.write(`${json}\n`);
    }
    return 0;
  } finally {
    await core.close();
    times?.('closed the store');
  }
}

async function planFromTerminal(argv: string[]): Promise<number> {
  if (argv.find(a => !a.startsWith('-')) !== 'import') return planGoalFromTerminal(argv);
  try {
    const args = parsePlanArgs(argv);
    if (!args.store && !args.dryRun)
      throw new CliError('say which store with --store DIR (or use --dry-run to only see the preview).');
    const open = async () => {
      await askDaemonToStepAside(args.store!, 'plan import');
      return openContinuum({
        folder: args.store!,
        fs: nodeFileSystem,
        lock: nodeLock(),
        owner: currentOwner('continuum CLI'),
        graphParser: () => new WorkerGraphParser(path.join(__dirname, 'graphWorker.js')),
        snapshots: workerSnapshotCopies(path.join(__dirname, 'storeWorker.js')),
      });
    };
    return await planCommand(args, open, line => console.log(line));
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    console.error(`continuum: ${err.message}`);
    return 2;
  }
}

async function planGoalFromTerminal(argv: string[]): Promise<number> {
  const { parsePlanGoalArgs, planGoalCommand, planGoalUsage } = await import('./planGoal');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(planGoalUsage);
    return 0;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    const { modelFromEnvironment, howToConfigure } = await import('../node/lm/config');
    const { storeOfWorkspace } = await import('../node/endpoint/workspaceStore');
    return await planGoalCommand(parsePlanGoalArgs(argv), {
      model: lm => {
        const chosen = modelFromEnvironment(process.env, lm);
        if ('model' in chosen) return chosen.model;
        throw new CliError(
          'missing' in chosen
            ? howToConfigure.replace(/^lm tasks need/, 'planning needs').replace(/ Then 'continuum resume'\.$/, '')
            : chosen.problem,
        );
      },
      storeOf: workspace => storeOfWorkspace(workspace),
      open: async (folder, readOnly) => {
        if (!readOnly) await askDaemonToStepAside(folder, 'plan --import');
        return openContinuum({
          folder,
          fs: nodeFileSystem,
          readOnly,
          ...(readOnly ? {} : { lock: nodeLock(), owner: currentOwner('continuum CLI (plan)') }),
        });
      },
      out: line => console.log(line),
      note: line => console.error(line),
      signal: stop.signal,
    });
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    console.error(`continuum: ${err.message}`);
    return 2;
  }
}

async function briefingFromTerminal(argv: string[]): Promise<number> {
  try {
    const open = async (choice: StoreChoice) =>
      openContinuum({
        folder: await storeFolderOf(choice),
        fs: nodeFileSystem,
        lock: nodeLock(),
        owner: currentOwner('continuum CLI (briefing)'),
      });
    return await briefingCommand(parseBriefingArgs(argv, process.cwd()), open, text => process.stdout.write(text));
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    console.error(`continuum: ${err.message}`);
    return 2;
  }
}

/** The store given, or the one VS Code uses for the workspace folder; a CliError says how to find one. */
async function storeFolderOf(choice: StoreChoice): Promise<string> {
  if ('store' in choice) return choice.store;
  const { storeOfWorkspace } = await import('../node/endpoint/workspaceStore');
  const found = storeOfWorkspace(choice.workspace);
  if (!found.folder) throw new CliError(found.problem ?? `no store found for ${choice.workspace}; give --store DIR.`);
  return found.folder;
}

/**
 * Resolves with the store's message once this process lost the store's lock (it was stalled past
 * the lock's limit and another process took the store over). A run handles that itself (it must
 * kill its tasks first); any other command says so and exits at once.
 */
function whenLockLost(core: Continuum, running: boolean): Promise<string> {
  return new Promise(resolve => {
    core.store.onDidLoseLock(reason => {
      // From here every write fails with LockLostError, also those the executor makes in the
      // background; they are expected now and must not end the process before its tasks are killed.
      process.on('unhandledRejection', err => {
        if (err instanceof LockLostError) return;
        console.error('continuum: unexpected error after losing the store', err);
        process.exit(1);
      });
      if (running) return resolve(reason);
      console.error(`continuum: ${reason}`);
      exit(lockLostExitCode);
    });
  });
}

async function runFromTerminal(core: Continuum, args: Args, lockLost: Promise<string>): Promise<number> {
  let interrupt: (() => void) | undefined;
  const running = runSession(core, {
    workspace: args.workspace ?? process.cwd(),
    ...(args.concurrency ? { concurrency: args.concurrency } : {}),
    ...(args.phase !== undefined ? { phase: args.phase } : {}),
    ...(args.tasks ? { tasks: args.tasks } : {}),
    yes: args.yes,
    ...(args.orphans ? { orphans: args.orphans } : {}),
    lm: args.lm,
    ...(args.command === 'resume' ? { resume: args.session ? { sessionId: args.session } : {} } : {}),
    interactive: !!process.stdin.isTTY,
    say: line => console.log(line),
    onInterrupt(handler) {
      interrupt = handler;
      // SIGTERM (a service manager, a closing terminal) stops at once; the session stays resumable
      const stopNow = () => {
        handler();
        handler();
      };
      process.on('SIGINT', handler);
      process.on('SIGTERM', stopNow);
      return () => {
        interrupt = undefined;
        process.off('SIGINT', handler);
        process.off('SIGTERM', stopNow);
      };
    },
  });
  try {
    const ended = await Promise.race([running.then(code => ({ code })), lockLost.then(reason => ({ reason }))]);
    if ('code' in ended) return ended.code;
    console.error(`continuum: ${ended.reason}`);
    console.error(
      'continuum: stopping this run now: its running tasks are killed. The process that holds the store now (or a later `continuum resume`) continues the session.',
    );
    interrupt?.();
    interrupt?.(); // a second Ctrl+C: stop now, killing the tasks' process trees
    await Promise.race([running.catch(() => undefined), new Promise(r => setTimeout(r, 5_000).unref())]);
    return lockLostExitCode;
  } finally {
    await core.close();
  }
}

function printStatus(core: Continuum): void {
  const health = core.store.health();
  const stats = core.tasks.statistics();
  console.log(`store: ${core.store.folder}${health.readOnly ? ` (read-only: ${health.readOnlyReason})` : ''}`);
  for (const line of health.recovery) console.log(`recovered: ${line}`);
  console.log(
    `tasks: ${stats.total} (${
      Object.entries(stats.counts)
        .filter(([, n]) => n)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none'
    }), ${stats.completionPercent}% complete`,
  );
  const next = core.tasks.nextTask();
  if (next) console.log(`next: ${next.title}`);
  for (const s of core.sessions.list())
    console.log(
      `session ${s.name}: ${sessionStateText(s.status, core.sessions.progress(s.id))} — ${core.sessions.describeResume(s.id)}`,
    );
}

main(process.argv.slice(2)).then(exit, err => {
  console.error(`continuum: ${forTerminal((err as Error).message)}`);
  exit(1);
});
