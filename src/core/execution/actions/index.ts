// Every action kind the executor knows, by kind: the one place that says how a kind runs, whether it
// runs unattended, what a host needs for it, and how it describes itself to a person.
import { actionKinds, type ActionKind, type TaskAction } from '../../tasks/model';
import type { Action, ActionNeeds } from './action';
import { lmAction } from './lm';
import { manualAction } from './manual';
import { shellAction } from './shell';
import { vscodeTaskAction } from './vscodeTask';

export const actions: { [K in TaskAction['kind']]: Action<Extract<TaskAction, { kind: K }>> } = {
  shell: shellAction,
  vscodeTask: vscodeTaskAction,
  manual: manualAction,
  lm: lmAction,
};

export function actionFor<A extends TaskAction>(action: A): Action<A> {
  return actions[action.kind] as unknown as Action<A>;
}

/** The kinds that run unattended (each has a circuit breaker). */
export const unattendedKinds = actionKinds.filter(kind => actions[kind].unattended) as Array<
  Exclude<ActionKind, 'manual'>
>;

/** The kinds a host without these capabilities cannot run (the CLI: no person at a tree, no VS Code). */
export function kindsNeeding(missing: readonly ActionNeeds[]): ActionKind[] {
  return actionKinds.filter(kind => missing.includes(actions[kind].needs));
}
