// What `continuum.planFromGoal` is given: nothing (it asks for the goal), a goal, or a plan that
// @continuum /plan already proposed in chat (its button passes it, so the model is not asked again).
// Pure, and light: the command table loads it at activation.

/** What a chat button passes to `continuum.planFromGoal`: a plan already proposed, to preview and import. */
export interface ProposedPlan {
  goal: string;
  markdown: string;
}

/** The argument of `continuum.planFromGoal`: a goal, a proposed plan, or nothing (then it asks). */
export function planArgument(arg: unknown): { goal?: string; markdown?: string } {
  if (typeof arg === 'string') return { goal: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const { goal, markdown } = arg as Partial<Record<string, unknown>>;
  return {
    ...(typeof goal === 'string' ? { goal } : {}),
    ...(typeof markdown === 'string' ? { markdown } : {}),
  };
}
