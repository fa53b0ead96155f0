// What the getting-started walkthrough (package.json contributes.walkthroughs) counts as done: each
// step completes on a context key set here from what the store holds, so a step is done when the
// person has actually done it (not when they clicked its button), and stays done after a reload.
// Pure (no vscode), so it has plain unit tests.

/** What the store holds, counted (walkthroughContext.ts reads it). */
export interface WalkthroughFacts {
  tasks: number;
  sessions: number;
  /** Checkpoints a person made (Create Checkpoint), not the automatic ones. */
  manualCheckpoints: number;
  /** Restores done: each saves the state first as a 'before-restore' checkpoint. */
  restores: number;
}

/** The context keys the walkthrough's completionEvents wait for (`onContext:<key>`). */
export const walkthroughKeys = {
  hasTasks: 'continuum.walkthrough.hasTasks',
  sessionStarted: 'continuum.walkthrough.sessionStarted',
  checkpointMade: 'continuum.walkthrough.checkpointMade',
  restored: 'continuum.walkthrough.restored',
} as const;

export function walkthroughProgress(
  f: WalkthroughFacts,
): Record<(typeof walkthroughKeys)[keyof typeof walkthroughKeys], boolean> {
  return {
    [walkthroughKeys.hasTasks]: f.tasks > 0,
    [walkthroughKeys.sessionStarted]: f.sessions > 0,
    [walkthroughKeys.checkpointMade]: f.manualCheckpoints > 0,
    [walkthroughKeys.restored]: f.restores > 0,
  };
}
