// Mocha run() index loaded by the extension host through extensionTestsPath (out/integration/index.js).
// Used both by the code-server runner (runner/run.mjs) and by @vscode/test-electron (desktop.mjs).
// Loads every *.test.js next to this file (esbuild bundles each suite/*.ts into out/integration/), writes
// {passed, failed, results} to $HARNESS_RESULT_FILE and prints the summary line.
// Env: HARNESS_GREP (mocha grep), HARNESS_INCLUDE_FAILING=1 (include tests titled @deliberate-failure).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const resultFile = process.env.HARNESS_RESULT_FILE;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30000, reporter: 'spec' });
  // extension.test first (it checks the first-run view, with an empty store), then the others by name
  const files = fs
    .readdirSync(__dirname)
    .filter(f => f.endsWith('.test.js'))
    .sort((a, b) => Number(b === 'extension.test.js') - Number(a === 'extension.test.js') || a.localeCompare(b));
  for (const f of files) {
    mocha.addFile(path.join(__dirname, f));
  }
  // one RegExp for both filters (mocha keeps a single grep): skip @deliberate-failure unless asked, then the user's grep
  const exclude = process.env.HARNESS_INCLUDE_FAILING === '1' ? '' : '(?!.*@deliberate-failure)';
  const user = process.env.HARNESS_GREP ? `(?=.*(?:${process.env.HARNESS_GREP}))` : '';
  if (exclude || user) {
    mocha.grep(new RegExp(`^${exclude}${user}`));
  }

  const results: { title: string; state: string; err?: string }[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run(failures => {
      const summary = { passed: results.filter(r => r.state === 'passed').length, failed: failures, results };
      if (resultFile) {
        fs.writeFileSync(resultFile, JSON.stringify(summary, null, 2));
      }
      console.log(`HARNESS-RESULT ${summary.passed} passed, ${summary.failed} failed`);
      if (failures > 0) {
        reject(new Error(`${failures} tests failed.`));
      } else {
        resolve();
      }
    });
    runner.on('pass', t => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err: unknown) =>
      results.push({ title: t.fullTitle(), state: 'failed', err: String((err as Error)?.stack ?? err) }),
    );
  });
}
