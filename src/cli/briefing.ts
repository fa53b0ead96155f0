// `continuum briefing [--workspace DIR | --store DIR] [--format markdown|json] [--detail concise|detailed]`: where the
// work stands, for an agent's session hook (Claude Code's SessionStart after /clear or a compaction
// injects it) or a person. Only reads; with another process holding the store it reads a copy.
import { briefingMarkdown, briefingOf, type BriefingDetail } from '../core/agents/index';
import type { Continuum } from '../core/continuum';
import { CliError } from './run';

export const briefingUsage =
  'usage: continuum briefing [--workspace DIR | --store DIR] [--format markdown|json] [--detail concise|detailed]\n' +
  '  --workspace DIR   the project folder: its store is the one VS Code uses for it (default: the current folder)';

/** Which store: given, or the one VS Code uses for a workspace folder. */
export type StoreChoice = { store: string } | { workspace: string };

export type BriefingArgs = StoreChoice & {
  format: 'markdown' | 'json';
  detail: BriefingDetail;
};

export function parseBriefingArgs(argv: readonly string[], cwd = '.'): BriefingArgs {
  let store: string | undefined;
  let workspace: string | undefined;
  let format: BriefingArgs['format'] = 'markdown';
  let detail: BriefingDetail = 'concise';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CliError(`${a} needs a value.\n${briefingUsage}`);
      return v;
    };
    if (a === '--help' || a === '-h') throw new CliError(briefingUsage);
    else if (a === '--store') store = value();
    else if (a === '--workspace') workspace = value();
    else if (a === '--format') {
      const v = value();
      if (v !== 'markdown' && v !== 'json') throw new CliError(`--format takes markdown or json, not '${v}'.`);
      format = v;
    } else if (a === '--detail') {
      const v = value();
      if (v !== 'concise' && v !== 'detailed') throw new CliError(`--detail takes concise or detailed, not '${v}'.`);
      detail = v;
    } else throw new CliError(`unknown ${a.startsWith('-') ? 'option' : 'word'} '${a}'.\n${briefingUsage}`);
  }
  if (store && workspace) throw new CliError(`give --workspace or --store, not both.\n${briefingUsage}`);
  return { ...(store ? { store } : { workspace: workspace ?? cwd }), format, detail };
}

/** Prints the briefing; resolves to the exit code. */
export async function briefingCommand(
  args: BriefingArgs,
  open: (choice: StoreChoice) => Promise<Continuum>,
  out: (text: string) => void,
): Promise<number> {
  const core = await open(args);
  try {
    const briefing = briefingOf(core, undefined, args.detail);
    out(args.format === 'json' ? `${JSON.stringify(briefing)}\n` : briefingMarkdown(briefing));
    return 0;
  } finally {
    await core.close();
  }
}
