import * as assert from 'assert';
import { parseDaemonArgs } from '../../../src/cli/daemon';
import { daemonWanted, defaultIdleMinutes, idleMinutesOf } from '../../../src/cli/daemonStart';

describe('continuum daemon: its words and when a build starts one', () => {
  it('reads `daemon --store DIR --idle-minutes N` and `daemon stop --store DIR`', () => {
    assert.deepStrictEqual(parseDaemonArgs(['--store', 's', '--idle-minutes', '2.5'], {}), {
      stop: false,
      store: 's',
      idleMinutes: 2.5,
      help: false,
    });
    assert.strictEqual(parseDaemonArgs(['stop', '--store', 's'], {}).stop, true);
    assert.strictEqual(parseDaemonArgs(['--store', 's'], {}).idleMinutes, defaultIdleMinutes);
    assert.strictEqual(parseDaemonArgs(['--store', 's'], { CONTINUUM_DAEMON_IDLE_MINUTES: '3' }).idleMinutes, 3);
  });

  it('refuses what it does not take, saying what', () => {
    assert.throws(() => parseDaemonArgs(['--idle-minutes', '0'], {}), /above 0/);
    assert.throws(() => parseDaemonArgs(['--idle-minutes', 'soon'], {}), /above 0/);
    assert.throws(() => parseDaemonArgs(['--store'], {}), /--store needs a value/);
    assert.throws(() => parseDaemonArgs(['--store', 's', 'stop'], {}), /unknown option 'stop'/);
    assert.throws(() => parseDaemonArgs(['--forever'], {}), /unknown option '--forever'/);
  });

  it('an idle time that is not a number above 0 is the default', () => {
    for (const said of ['', '0', '-1', 'ten'])
      assert.strictEqual(idleMinutesOf({ CONTINUUM_DAEMON_IDLE_MINUTES: said }), defaultIdleMinutes);
  });

  it('a build starts one unless CONTINUUM_DAEMON says off, and on CI only when it says on', () => {
    assert.strictEqual(daemonWanted({}), true);
    for (const off of ['off', 'OFF', '0', 'false', 'no', ' off '])
      assert.strictEqual(daemonWanted({ CONTINUUM_DAEMON: off }), false, off);
    assert.strictEqual(daemonWanted({ CI: 'true' }), false);
    assert.strictEqual(daemonWanted({ CI: '1' }), false);
    assert.strictEqual(daemonWanted({ CI: 'false' }), true);
    assert.strictEqual(daemonWanted({ CI: 'true', CONTINUUM_DAEMON: 'on' }), true);
    assert.strictEqual(daemonWanted({ CI: '', CONTINUUM_DAEMON: '' }), true);
  });
});
