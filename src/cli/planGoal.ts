// `continuum plan "<goal>" [--store DIR] [--workspace DIR] [--import] [--out FILE]`: a language
// model (the CLI's model configuration, the same flags as `run`) proposes a plan for the goal from
// the store's project context and knowledge graph; the plan's preview on standard output, as
// `plan import` prints it; --out writes the plan's markdown, --import imports it.
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { Continuum } from '../core/continuum';
import type { ModelPort } from '../core/lm/model';
import { goalPlanSource, goalPlanSummary, planFromGoal, projectBrief, type ProjectBrief } from '../core/plans/fromGoal';
import { describePlanCycle, summarisePreview } from '../core/tasks/planImport';
import { planPreviewText } from '../core/tasks/planView';
import type { LmChoice } from '../node/lm/config';
import { planSource } from './plan';
import { CliError } from './run';

export const planGoalUsage = `usage: continuum plan "GOAL" [--store DIR] [--workspace DIR] [--import] [--out FILE]
  a language model proposes phases and tasks for GOAL from the project's context and knowledge
  graph; prints the preview as 'plan import' does
      --store DIR       the store (default: the one VS Code uses for the workspace, when there is one)
      --workspace DIR   the project folder (default: the current folder)
      --import          import the plan into the store
      --out FILE        write the plan's markdown to FILE ('continuum plan import FILE' reads it
                        again and updates the same tasks)
      --lm-provider openai|anthropic, --lm-model M, --lm-base-url U, --lm-key-env NAME
                        the model, as for 'continuum run' (default: CONTINUUM_LM_* variables)
(continuum plan import FILE imports a markdown plan you wrote: continuum plan import --help)`;

export interface PlanGoalArgs {
  goal: string;
  store?: string;
  workspace?: string;
  import: boolean;
  out?: string;
  lm: LmChoice;
}

/** Reads `plan GOAL... [options]`; throws CliError on anything else. */
export function parsePlanGoalArgs(argv: readonly string[]): PlanGoalArgs {
  const words: string[] = [];
  const args: Omit<PlanGoalArgs, 'goal'> = { import: false, lm: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CliError(`${a} needs a value.\n${planGoalUsage}`);
      return v;
    };
    if (a === '--store') args.store = value();
    else if (a === '--workspace') args.workspace = value();
    else if (a === '--out') args.out = value();
    else if (a === '--import') args.import = true;
    else if (a === '--lm-provider') args.lm.provider = value();
    else if (a === '--lm-model') args.lm.model = value();
    else if (a === '--lm-base-url') args.lm.baseUrl = value();
    else if (a === '--lm-key-env') args.lm.keyEnv = value();
    else if (a.startsWith('-')) throw new CliError(`unknown option '${a}'.\n${planGoalUsage}`);
    else words.push(a);
  }
  const goal = words.join(' ').trim();
  if (!goal) throw new CliError(`say what the plan is for.\n${planGoalUsage}`);
  return { goal, ...args };
}

export interface PlanGoalHost {
  /** The model the environment and flags choose; a CliError saying how to configure one when none is. */
  model(lm: LmChoice): ModelPort;
  /** The store folder for the workspace, or why there is none. */
  storeOf(workspace: string): { folder?: string; problem?: string };
  /** Opens the store (read-only unless importing). */
  open(folder: string, readOnly: boolean): Promise<Continuum>;
  /** Lines for people on standard output; notes on standard error. */
  out(line: string): void;
  note(line: string): void;
  /** Aborts when the person presses Ctrl+C. */
  signal: AbortSignal;
}

/** Exit codes: 0 shown (or imported), 1 no plan, a refused import or a model error, 130 stopped by Ctrl+C. */
export async function planGoalCommand(args: PlanGoalArgs, host: PlanGoalHost, cwd = process.cwd()): Promise<number> {
  const workspace = path.resolve(cwd, args.workspace ?? '.');
  const model = host.model(args.lm);
  const store = args.store ? { folder: path.resolve(cwd, args.store) } : host.storeOf(workspace);
  if (!store.folder && args.import) throw new CliError(`cannot import: ${store.problem ?? 'no store'}.`);
  const core: Continuum | undefined = store.folder ? await host.open(store.folder, !args.import) : undefined;
  try {
    let brief: ProjectBrief;
    if (core) brief = projectBrief(core);
    else {
      host.note(`continuum: planning without the project's context: ${store.problem ?? 'no store'}.`);
      brief = { context: 'Not known.', graph: 'Not known.', tasks: 'None known.' };
    }
    host.note(`continuum: asking ${model.name} for a plan…`);
    let proposed;
    try {
      proposed = await planFromGoal(model, args.goal, brief, {
        signal: host.signal,
        // with --out, keys come from the file, as a later 'plan import FILE' makes them
        source: args.out ? planSource(args.out, cwd) : goalPlanSource(args.goal),
        pause: () => new Promise(resolve => setImmediate(resolve)),
      });
    } catch (err) {
      if (host.signal.aborted) {
        host.note('continuum: stopped; nothing was planned or imported.');
        return 130;
      }
      host.note(`continuum: no plan: ${(err as Error).message}`);
      return 1;
    }
    for (const w of proposed.warnings) host.note(`continuum: warning: ${w}`);
    for (const line of planPreviewText(proposed.plan)) host.out(line);
    if (args.out) {
      await fsp.writeFile(path.resolve(cwd, args.out), proposed.markdown);
      host.out(`\nwrote the plan to ${args.out}`);
    }
    if (proposed.plan.cycle) {
      host.out(
        `\nNot imported: the dependencies form a cycle (${describePlanCycle(proposed.plan, proposed.plan.cycle)}). ${args.out ? `Edit ${args.out} and import it with 'continuum plan import ${args.out}'` : 'Plan again'}.`,
      );
      return 1;
    }
    if (!args.import || !core) {
      host.out(
        `\n${goalPlanSummary(proposed.plan)}; not imported. ${
          args.out
            ? `Import it with 'continuum plan import ${args.out}${args.store ? ` --store ${args.store}` : ''}'.`
            : 'Run again with --import to import a plan, or with --out FILE to keep it and import it later.'
        }`,
      );
      return 0;
    }
    try {
      const preview = core.tasks.previewImport(proposed.plan);
      await core.tasks.importPlan(proposed.plan, { actor: 'user' });
      host.out(`\nimported ${proposed.plan.source}: ${summarisePreview(preview)}`);
      return 0;
    } catch (err) {
      host.note(`continuum: the plan was not imported: ${(err as Error).message}`);
      return 1;
    }
  } finally {
    await core?.close();
  }
}
