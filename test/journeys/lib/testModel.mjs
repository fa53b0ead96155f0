// The test-only chat model (test/integration/model-provider) as a real extension a journey's code-server installs
// beside Continuum's .vsix: packaged once per suite run with vsce (a devDependency) from a copy of its folder.
// It answers by script from workspace files (.continuum-test-plan.md, .continuum-test-model.json): see its extension.js.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE = path.join(REPO, 'test/integration/model-provider');

/** The test model's .vsix under `scratch` (packaged on first use). */
export function testModelVsix(scratch) {
  const out = path.join(scratch, 'continuum-test-model.vsix');
  if (fs.existsSync(out)) return out;
  const copy = path.join(scratch, 'model-provider');
  fs.cpSync(SOURCE, copy, { recursive: true });
  const vsce = path.join(REPO, 'node_modules/.bin/vsce');
  const r = spawnSync(vsce, ['package', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: copy, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packaging the test model (vsce package in ${copy}) failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return out;
}
