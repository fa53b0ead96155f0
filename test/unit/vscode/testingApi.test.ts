import * as assert from 'assert';
import { exportedApi } from '../../../src/vscode/testingApi';

describe('the API activate() exports', () => {
  const testing = { setPrompter: () => undefined };
  const api = { ready: () => Promise.resolve(), close: () => Promise.resolve() };

  it('gives no testing API (no way to answer confirmations) to extensions outside tests', () => {
    for (const mode of ['production', 'development'] as const) {
      const exported = exportedApi(mode, api, testing);
      assert.ok(!('testing' in exported), `${mode}: ${Object.keys(exported).join(', ')}`);
      assert.equal(typeof exported.ready, 'function');
    }
  });

  it('gives the testing API to the integration tests', () => {
    const exported = exportedApi('test', api, testing);
    assert.ok('testing' in exported);
    assert.equal(exported.testing, testing);
  });
});
