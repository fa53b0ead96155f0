#!/usr/bin/env node
// `npm run test:desktop`: the same mocha index (out/integration/index.js) under @vscode/test-electron,
// for machines that can download VS Code. Where the download is impossible it says so and exits 1.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workspace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-desktop-')), 'sample');
fs.cpSync(path.join(REPO, 'test/fixtures/sample'), workspace, { recursive: true });

try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'out/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  const message = String(err?.message ?? err);
  if (/download|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|fetch failed/i.test(message)) {
    console.error(`test:desktop could not download VS Code (${message}). Use npm run test:integration on machines without that access.`);
  } else {
    console.error(`test:desktop failed: ${message}`);
  }
  process.exit(1);
}
