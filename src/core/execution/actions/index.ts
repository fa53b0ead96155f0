// Every action kind the executor knows, by kind.
import type { TaskAction } from '../../tasks/model';
import type { Action } from './action';
import { manualAction } from './manual';
import { shellAction } from './shell';
import { vscodeTaskAction } from './vscodeTask';

export const actions: { [K in TaskAction['kind']]: Action<Extract<TaskAction, { kind: K }>> } = {
  shell: shellAction,
  vscodeTask: vscodeTaskAction,
  manual: manualAction,
};

export function actionFor<A extends TaskAction>(action: A): Action<A> {
  return actions[action.kind] as unknown as Action<A>;
}
