#!/usr/bin/env node
// `npm start [folder]`: builds and packages Continuum, installs the .vsix into the cached VS Code
// (code-server) with a fresh user-data folder, opens the folder (default: a copy of the sample
// project), listens on 127.0.0.1 only, prints the URL, and stops cleanly on Ctrl+C.
// Env: PORT (default: a free port), CONTINUUM_VSCODE_CACHE (default ~/.cache/continuum-vscode).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNNER_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(RUNNER_DIR, '../../..');
const CACHE = process.env.CONTINUUM_VSCODE_CACHE ?? path.join(os.homedir(), '.cache/continuum-vscode');
const NODE24 = path.join(CACHE, 'node24/node/bin/node');
const ENTRY = path.join(CACHE, 'cs/node_modules/code-server/out/node/entry.js');
const log = (...a) => console.log('[start]', ...a);

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`[start] ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const vsix = path.join(REPO, `continuum-${pkg.version}.vsix`);
log('building and packaging the extension');
run('npm', ['run', '--silent', 'package'], { cwd: REPO });
run('bash', [path.join(RUNNER_DIR, 'install.sh')], { env: { ...process.env, CONTINUUM_VSCODE_CACHE: CACHE } });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-start-'));
const userData = path.join(tmp, 'user-data');
const extensions = path.join(tmp, 'extensions');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
const given = process.argv[2];
fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // the sample is ours, so it opens trusted; a folder you name opens under VS Code's usual trust prompt
  ...(given ? {} : { 'security.workspace.trust.enabled': false }),
}, null, 2));

let folder;
if (given) {
  folder = path.resolve(given);
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`[start] ${folder} is not a folder. Usage: npm start [-- /path/to/project]`);
    process.exit(2);
  }
} else {
  folder = path.join(tmp, 'sample');
  fs.cpSync(path.join(REPO, 'test/fixtures/sample'), folder, { recursive: true });
}

const env = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
  XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
  XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
  EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}',
  GIT_TERMINAL_PROMPT: '0',
};
const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check'];
log(`installing ${path.basename(vsix)}`);
run(NODE24, [ENTRY, ...common, '--install-extension', vsix], { env });

const port = Number(process.env.PORT ?? await freePort());
const server = spawn(NODE24, [ENTRY, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
  '--disable-getting-started-override', '--ignore-last-opened', folder], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
const serverLog = [];
for (const s of [server.stdout, server.stderr]) s.on('data', d => serverLog.push(String(d)));

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  log('stopping');
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  await new Promise(r => setTimeout(r, 1000));
  try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
server.on('exit', c => {
  if (!stopping) {
    console.error(`[start] code-server exited (${c}):\n${serverLog.join('')}`);
    void stop(1);
  }
});

const deadline = Date.now() + 60_000;
for (;;) {
  try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch { /* not up yet */ }
  if (Date.now() > deadline) { console.error(`[start] code-server did not come up:\n${serverLog.join('')}`); await stop(1); }
  await new Promise(r => setTimeout(r, 200));
}
console.log(`\nContinuum is running in VS Code at  http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}\n(open it in a browser on this machine; Ctrl+C stops it)\n`);
