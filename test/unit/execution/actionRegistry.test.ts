// The action registry is the one place that says what is particular to a kind: whether it runs
// unattended, what a host needs to run it, and how it describes itself to a person.
import * as assert from 'assert';
import { actions, actionFor, kindsNeeding, unattendedKinds } from '../../../src/core/execution/actions/index';
import { taskActionSchema } from '../../../src/core/tasks/validation';
import { actionKinds, type TaskAction } from '../../../src/core/tasks/model';

describe('the action registry', () => {
  it('has one entry per kind of action, under its own name', () => {
    assert.deepStrictEqual(Object.keys(actions).sort(), [...actionKinds].sort());
    for (const kind of actionKinds) assert.strictEqual(actions[kind].kind, kind);
  });

  it('accepts in the task schema exactly the kinds the registry runs', () => {
    for (const kind of actionKinds) {
      const minimal = {
        shell: { kind, command: 'true' },
        vscodeTask: { kind, label: 'build' },
        manual: { kind },
        lm: { kind },
      }[kind];
      assert.ok(taskActionSchema.safeParse(minimal).success, kind);
    }
    assert.ok(!taskActionSchema.safeParse({ kind: 'nope' }).success);
  });

  it('gives a circuit breaker to every unattended kind and to no manual one', () => {
    assert.deepStrictEqual(
      unattendedKinds,
      actionKinds.filter(k => k !== 'manual'),
    );
  });

  it('tells a host without a person or VS Code which kinds it must leave', () => {
    assert.deepStrictEqual(kindsNeeding(['person', 'vscode']).sort(), ['manual', 'vscodeTask']);
    assert.deepStrictEqual(kindsNeeding([]), []);
    assert.deepStrictEqual(kindsNeeding(['model']), ['lm'], 'a host without a model leaves lm tasks');
  });

  it('describes what each kind runs for a confirmation and what it did for a commit', () => {
    const shell: TaskAction = { kind: 'shell', command: 'npm', args: ['test', '--', '-x'] };
    assert.deepStrictEqual(actionFor(shell).commands(shell), ['npm test -- -x']);
    assert.strictEqual(actionFor(shell).describeDone(shell), 'Ran: npm test -- -x');
    const task: TaskAction = { kind: 'vscodeTask', label: 'lint', shellEquivalent: 'npm run lint' };
    assert.deepStrictEqual(actionFor(task).commands(task), [
      'VS Code task: lint',
      '(or, without VS Code: npm run lint)',
    ]);
    const manual: TaskAction = { kind: 'manual' };
    assert.deepStrictEqual(actionFor(manual).commands(manual), []);
  });
});
