// `continuum checkpoint --store DIR [--note TEXT]`: saves a checkpoint of the task state (and of the
// workspace's files with --workspace), for an agent's hook (Claude Code's PreCompact: before the
// conversation is summarised). Through the same checkpoint tool the agents call: in the process that
// holds the store when one serves its endpoint (a VS Code window), or here.
import { callAgentTool } from '../core/agents/index';
import type { Continuum } from '../core/continuum';
import { CliError } from './run';

export const checkpointUsage = 'usage: continuum checkpoint --store DIR [--workspace DIR] [--note TEXT] [--agent NAME]';

/** `agent`: who asks (the note is prefixed with it), e.g. "Claude Code" from its hook. */
export interface CheckpointArgs {
  store: string;
  workspace?: string;
  note: string;
  agent: string;
}

export function parseCheckpointArgs(argv: readonly string[]): CheckpointArgs {
  let store: string | undefined;
  let workspace: string | undefined;
  let note = '';
  let agent = 'continuum CLI';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CliError(`${a} needs a value.\n${checkpointUsage}`);
      return v;
    };
    if (a === '--store') store = value();
    else if (a === '--workspace') workspace = value();
    else if (a === '--note') note = value();
    else if (a === '--agent') agent = value().slice(0, 100);
    else throw new CliError(`unknown ${a.startsWith('-') ? 'option' : 'word'} '${a}'.\n${checkpointUsage}`);
  }
  if (!store) throw new CliError(`say which store with --store DIR.\n${checkpointUsage}`);
  return { store, note, agent, ...(workspace ? { workspace } : {}) };
}

/** Saves the checkpoint; resolves to the exit code. A store another process holds read-only here is an error that says so. */
export async function checkpointCommand(
  args: CheckpointArgs,
  open: (args: CheckpointArgs) => Promise<Continuum>,
  out: (text: string) => void,
): Promise<number> {
  const core = await open(args);
  try {
    if (core.store.readOnly)
      throw new CliError(
        `the store is read-only here (${core.store.health().readOnlyReason ?? 'another process holds it'}); no checkpoint was saved.`,
      );
    const result = await callAgentTool(
      { core, agent: { id: `cli:${args.agent}`, name: args.agent }, trusted: true },
      'continuum_checkpoint',
      { action: 'create', note: args.note },
    );
    out(`${result.summary}\n`);
    return 0;
  } finally {
    await core.close();
  }
}

/**
 * When a VS Code window (or another process) holds the store and serves its endpoint, the
 * checkpoint is saved there, through the same agent tool: the hook works while the editor is open.
 * Resolves undefined when nobody serves the endpoint: the caller opens the store itself.
 */
export async function checkpointThroughHolder(
  args: CheckpointArgs,
  out: (text: string) => void,
): Promise<number | undefined> {
  const [{ connectToHolder }, { EndpointError, HolderGoneError }] = await Promise.all([
    import('../node/endpoint/client'),
    import('../node/endpoint/protocol'),
  ]);
  const client = await connectToHolder(args.store, 'cli');
  if (!client) return undefined;
  try {
    const result = await client
      .call('tool.call', {
        tool: 'continuum_checkpoint',
        agent: { id: `cli:${args.agent}`, name: args.agent },
        input: { action: 'create', note: args.note },
      })
      .catch((err: unknown) => {
        if (err instanceof EndpointError) throw new CliError(`no checkpoint was saved: ${err.message}`);
        if (err instanceof HolderGoneError)
          throw new CliError(
            `the process holding the store went away; the checkpoint may not be saved: ${err.message}`,
          );
        throw err;
      });
    out(`${result.summary}\n`);
    return 0;
  } finally {
    client.close();
  }
}

/**
 * From the terminal or a hook. Failing exits with 1, never 2: Claude Code reads 2 from some hooks
 * as "stop what you were doing", and a checkpoint that could not be saved must not stop a compaction.
 */
export async function checkpointFromTerminal(argv: string[]): Promise<number> {
  const [{ openContinuum }, { nodeFileSystem }, { nodeLock }, { currentOwner }] = await Promise.all([
    import('../core/continuum'),
    import('../node/fileSystem'),
    import('../node/lock'),
    import('../node/lockOwner'),
  ]);
  try {
    const args = parseCheckpointArgs(argv);
    const out = (text: string) => process.stdout.write(text);
    // the daemon has no workspace to save files from: it gives the store up to this command
    const { askDaemonToStepAside } = await import('./daemonAside');
    await askDaemonToStepAside(args.store, 'checkpoint');
    const viaHolder = await checkpointThroughHolder(args, out);
    if (viaHolder !== undefined) return viaHolder;
    const open = (args: CheckpointArgs) =>
      openContinuum({
        folder: args.store,
        fs: nodeFileSystem,
        lock: nodeLock(),
        owner: currentOwner('continuum CLI (checkpoint)'),
        ...(args.workspace ? { workspaceFolder: args.workspace } : {}),
      });
    return await checkpointCommand(args, open, out);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    console.error(`continuum: ${err.message}`);
    return 1;
  }
}
