// `continuum plan import FILE --store DIR [--dry-run] [--json]`: the plan's preview on standard
// output (the tree with priorities and dependencies, a cycle, every line not used and why), then
// the import unless --dry-run. With --json the preview is one JSON object (planView.ts: planToJson).
// Keys come from the file's path relative to the current folder, so run it from the workspace
// folder to match what VS Code's Import Plan… makes (a re-import there duplicates nothing).
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { Continuum } from '../core/continuum';
import { parsePlanInSlices, type ParsedPlan } from '../core/tasks/plan';
import { describePlanCycle, summarisePreview } from '../core/tasks/planImport';
import { planPreviewText, planToJson } from '../core/tasks/planView';
import { CliError } from './run';

export const planUsage = `usage: continuum plan import FILE --store DIR [--dry-run] [--json]
  the plan's phases, tasks, priorities and dependencies, a dependency cycle, and every line not
  used (with its line number and why); then imports it (again: updates, duplicates nothing)
      --dry-run   show only; change nothing (the store is not opened)
      --json      one JSON object: { phases, tasks, unused, problems }`;

export interface PlanArgs {
  file: string;
  dryRun: boolean;
  json: boolean;
  store?: string;
}

/** Reads `plan import FILE [--store DIR] [--dry-run] [--json]`; throws CliError on anything else. */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  const words: string[] = [];
  let dryRun = false;
  let json = false;
  let store: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') dryRun = true;
    else if (a === '--json') json = true;
    else if (a === '--store') {
      store = argv[++i];
      if (store === undefined || store.startsWith('--')) throw new CliError(`--store needs a value.\n${planUsage}`);
    } else if (a.startsWith('-')) throw new CliError(`unknown option '${a}'.\n${planUsage}`);
    else words.push(a);
  }
  const [sub, file, ...extra] = words;
  if (sub !== 'import' || !file || extra.length) throw new CliError(planUsage);
  return { file, dryRun, json, ...(store !== undefined ? { store } : {}) };
}

/** The source name keys derive from: the path relative to the current folder, with forward slashes. */
export function planSource(file: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return (relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(cwd, file))
    .split(path.sep)
    .join('/');
}

export async function readPlan(file: string, cwd: string): Promise<ParsedPlan> {
  let text: string;
  try {
    text = await fsp.readFile(path.resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read the plan ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parsePlanInSlices(text, planSource(file, cwd), () => new Promise(resolve => setImmediate(resolve)));
}

/**
 * Prints the preview and imports unless `dryRun`. `open` opens the store (only when importing).
 * Exit codes: 0 imported (or shown), 1 refused (a cycle, or the store refused the import).
 */
export async function planCommand(
  args: PlanArgs,
  open: () => Promise<Continuum>,
  out: (line: string) => void,
  cwd = process.cwd(),
): Promise<number> {
  const plan = await readPlan(args.file, cwd);
  if (args.json) out(JSON.stringify(planToJson(plan)));
  else for (const line of planPreviewText(plan)) out(line);
  if (plan.cycle) {
    if (!args.json)
      out(
        `\nNot imported: the dependencies form a cycle (${describePlanCycle(plan, plan.cycle)}). Remove one of them and run this again.`,
      );
    return 1;
  }
  if (args.dryRun) return 0;
  const core = await open();
  try {
    const preview = core.tasks.previewImport(plan);
    await core.tasks.importPlan(plan, { actor: 'user' });
    const said = `imported ${plan.source}: ${summarisePreview(preview)}`;
    if (args.json) process.stderr.write(`${said}\n`);
    else out(`\n${said}`);
    return 0;
  } catch (err) {
    process.stderr.write(`continuum: the plan was not imported: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await core.close();
  }
}
