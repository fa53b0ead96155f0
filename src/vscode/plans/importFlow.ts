// Import Plan's flow once a plan is parsed, for every way a plan arrives (a markdown file, a
// model's plan for a goal): its problems to the output, the preview beside the editor, a cycle
// refused, the pick of what to import, the import, and the tree grouped by phase.
import type { Continuum } from '../../core/continuum';
import type { ParsedPlan } from '../../core/tasks/plan';
import { describePlanCycle, summarisePreview } from '../../core/tasks/planImport';
import { inert } from '../../shared/text';
import type { CommandContext } from '../commands/context';
import { previewDocumentText, previewItems, separatorValue, showPreviewDocument } from './planPreview';

/** Shows the plan's preview and imports what the person keeps; undefined when they import nothing. */
export async function previewAndImport(
  ctx: CommandContext,
  core: Continuum,
  plan: ParsedPlan,
): Promise<{ created: number; updated: number } | undefined> {
  const source = plan.source;
  for (const p of plan.problems) ctx.output.warn(`${source}:${p.line}: ${p.message}`);
  const preview = core.tasks.previewImport(plan);
  const shown = await showPreviewDocument(source, previewDocumentText(plan, preview));
  try {
    if (plan.cycle) {
      // named before anything is written; the preview beside shows where each dependency is
      void ctx
        .prompts()
        .notify(
          'error',
          `${inert(source)} is not imported: its dependencies form a cycle: ${inert(describePlanCycle(plan, plan.cycle), 400)}. Remove one of these dependencies and import again.`,
        );
      return undefined;
    }
    const offered = previewItems(plan, preview);
    if (!offered.some(i => i.value !== separatorValue)) {
      void ctx.prompts().notify('info', `Nothing to import: ${summarisePreview(preview)} in ${inert(source)}.`);
      return { created: 0, updated: 0 };
    }
    const unused = plan.unused.length ? ` · ${plan.unused.length} line(s) not used, listed in the preview beside` : '';
    const chosen = (
      await ctx.prompts().pickMany(offered, {
        title: `Import ${source}: ${summarisePreview(preview)}${unused}`,
        placeHolder: preview.commands.length
          ? `This plan has ${preview.commands.length} command(s) to run; they will be shown again before they first run.`
          : 'Untick what you do not want to import, then press Enter',
        ignoreFocusOut: true,
        matchOnDescription: true,
      })
    )?.filter(k => k !== separatorValue);
    if (!chosen?.length) return undefined;
    const result = await core.tasks.importPlan(plan, { only: new Set(chosen) });
    const problems = plan.problems.length
      ? ` ${plan.problems.length} part(s) of the plan could not be used (see the Continuum output).`
      : '';
    void ctx
      .prompts()
      .notify(
        plan.problems.length ? 'warning' : 'info',
        `Imported ${inert(source)}: ${result.created} new, ${result.updated} updated.${problems}`,
        ...(problems ? ['Show Problems'] : []),
      )
      .then(choice => choice && ctx.output.show(true));
    ctx.tree.setGrouping('phase');
    return result;
  } finally {
    shown.dispose();
  }
}
