import * as assert from 'assert';
import { chooseStoreFolder } from '../../../src/core/store/location';

describe('store location', () => {
  const base = { setting: '', workspaceStorage: '/ws-storage', globalStorage: '/global', workspaceFolder: '/project' };
  it('uses the workspace storage folder by default', () => assert.strictEqual(chooseStoreFolder(base), '/ws-storage'));
  it('falls back to global storage with no folder open', () =>
    assert.strictEqual(
      chooseStoreFolder({ ...base, workspaceStorage: undefined, workspaceFolder: undefined }),
      '/global',
    ));
  it('uses an absolute path from the setting', () =>
    assert.strictEqual(chooseStoreFolder({ ...base, setting: '/data/continuum/' }), '/data/continuum/'));
  it('resolves a relative setting against the workspace folder', () =>
    assert.strictEqual(chooseStoreFolder({ ...base, setting: '.continuum/store' }), '/project/.continuum/store'));
});
