import * as assert from 'assert';
import { sessionStatuses } from '../../../src/core/sessions/model';
import {
  assertCommand,
  assertTransition,
  canTransition,
  SessionTransitionError,
} from '../../../src/core/sessions/transitions';

describe('session transitions', () => {
  it('lets a created session start', () => {
    assert.doesNotThrow(() => assertTransition('created', 'running'));
  });

  it('lets a running session pause, be interrupted, fail or complete', () => {
    for (const to of ['paused', 'interrupted', 'failed', 'completed'] as const)
      assert.ok(canTransition('running', to), to);
  });

  it('lets paused and interrupted sessions resume', () => {
    assert.ok(canTransition('paused', 'running'));
    assert.ok(canTransition('interrupted', 'running'));
  });

  it('treats completed and failed as final', () => {
    for (const from of ['completed', 'failed'] as const) {
      for (const to of sessionStatuses) assert.ok(!canTransition(from, to), `${from} → ${to}`);
    }
  });

  it('names both statuses and what to do instead in the error', () => {
    assert.throws(
      () => assertTransition('completed', 'running', "Session 'Sprint'"),
      (err: unknown) => {
        assert.ok(err instanceof SessionTransitionError);
        assert.strictEqual(err.from, 'completed');
        assert.strictEqual(err.to, 'running');
        assert.match(err.message, /^Session 'Sprint' cannot go from completed to running: .*Start a new session/);
        return true;
      },
    );
  });

  it('tells the user to start a session before pausing it', () => {
    assert.throws(
      () => assertTransition('created', 'paused'),
      /cannot go from created to paused: it has not started yet; start it first/,
    );
  });

  it('says so when the session already has the status', () => {
    assert.throws(() => assertTransition('running', 'running'), /it is already running/);
  });

  it('refuses to interrupt a session that is not running', () => {
    assert.throws(() => assertTransition('paused', 'interrupted'), /only a running session can be interrupted/);
  });

  it('refuses to resume a session that never started, saying to start it', () => {
    assert.throws(
      () => assertCommand('resume', 'created'),
      /cannot be resumed from created: it has never run; start it instead/,
    );
  });

  it('refuses to start a paused session again, saying to resume it', () => {
    assert.throws(() => assertCommand('start', 'paused'), /cannot be started again from paused: resume it instead/);
  });

  it('explains why an ended session cannot be resumed', () => {
    assert.throws(() => assertCommand('resume', 'completed'), /cannot go from completed to running/);
  });
});
