#!/usr/bin/env node
// `npm start [-- [--fresh] [--host ADDR] [folder]]`: builds and packages Continuum, installs the
// .vsix into the cached VS Code (code-server), opens the folder (default: a copy of the sample
// project), prints the URL, and stops cleanly on Ctrl+C.
// Continuum's state (tasks, sessions, checkpoints: the workspace storage), VS Code's settings and
// the folder's trust live in a user-data folder kept per workspace in the cache, keyed by the
// folder's real path, so a second start finds everything where the first left it. --fresh starts
// from a clean one. It listens on 127.0.0.1 only; --host binds elsewhere, and then code-server
// asks for a password (PASSWORD from the environment, or a random one printed here).
// The port is kept with the state too: VS Code files a workspace's storage under the URL it was opened at.
// Env: PORT (default: the port of the previous start of this folder, else a free one), PASSWORD (with --host), CONTINUUM_VSCODE_CACHE (default ~/.cache/continuum-vscode).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
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

const usage = 'Usage: npm start [-- [--fresh] [--host ADDR] [/path/to/project]]';
let given;
let fresh = false;
let host = '127.0.0.1';
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--fresh') fresh = true;
  else if (a === '--host') host = process.argv[++i] ?? '';
  else if (a === '--help' || a === '-h') { console.log(usage); process.exit(0); }
  else if (a.startsWith('-') || given !== undefined) { console.error(`[start] unknown argument '${a}'. ${usage}`); process.exit(2); }
  else given = a;
}
if (!host) { console.error(`[start] --host needs an address. ${usage}`); process.exit(2); }
const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const vsix = path.join(REPO, `continuum-${pkg.version}.vsix`);
log('building and packaging the extension');
run('npm', ['run', '--silent', 'package'], { cwd: REPO });
run('bash', [path.join(RUNNER_DIR, 'install.sh')], { env: { ...process.env, CONTINUUM_VSCODE_CACHE: CACHE } });

let folder;
if (given) {
  const resolved = path.resolve(given);
  if (!fs.statSync(resolved, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`[start] ${resolved} is not a folder. ${usage}`);
    process.exit(2);
  }
  folder = fs.realpathSync(resolved);
}
// one state folder per workspace, named by its real path (a symlink or a relative path finds the same one)
const key = given ? `${path.basename(folder).replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(folder).digest('hex').slice(0, 12)}` : 'sample';
const state = path.join(CACHE, 'start', key);
if (fresh && fs.existsSync(state)) {
  log(`--fresh: removing the previous state in ${state}`);
  fs.rmSync(state, { recursive: true, force: true });
}
const userData = path.join(state, 'user-data');
const extensions = path.join(state, 'extensions');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
const settingsFile = path.join(userData, 'User', 'settings.json');
// written once: what the person changes in Settings stays
if (!fs.existsSync(settingsFile)) {
  fs.writeFileSync(settingsFile, JSON.stringify({
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // the sample is ours, so it opens trusted; a folder you name opens under VS Code's usual trust prompt
    ...(given ? {} : { 'security.workspace.trust.enabled': false }),
  }, null, 2));
}
if (!given) {
  folder = path.join(state, 'sample');
  if (!fs.existsSync(folder)) fs.cpSync(path.join(REPO, 'test/fixtures/sample'), folder, { recursive: true });
}

const env = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(state, 'xdg-config'),
  XDG_DATA_HOME: path.join(state, 'xdg-data'),
  XDG_CACHE_HOME: path.join(state, 'xdg-cache'),
  EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}',
  GIT_TERMINAL_PROMPT: '0',
};
const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check'];
log(`installing ${path.basename(vsix)}`);
// --force: the same version number is rebuilt between starts
run(NODE24, [ENTRY, ...common, '--install-extension', vsix, '--force'], { env });

// anywhere but this machine, code-server asks for a password
const password = loopback ? undefined : (process.env.PASSWORD || randomBytes(18).toString('base64url'));
// VS Code keys a workspace's storage (and so Continuum's store) by the folder's URI, whose authority
// is the host and port the browser opens: the same port every time, or the next start finds nothing.
const portFile = path.join(state, 'port');
const savedPort = Number(fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8').trim() : NaN);
const portFree = p => new Promise(resolve => {
  const s = net.createServer();
  s.once('error', () => resolve(false));
  s.listen(p, loopback ? '127.0.0.1' : host, () => s.close(() => resolve(true)));
});
const port = Number(process.env.PORT ?? (Number.isInteger(savedPort) && savedPort > 0 ? savedPort : await freePort()));
if (!process.env.PORT && port === savedPort && !(await portFree(port))) {
  console.error(`[start] port ${port}, where this folder's Continuum state was kept, is in use (another \`npm start\` of it?). Stop that one, or give PORT=<port> to start elsewhere: VS Code then opens the folder with a separate, empty state.`);
  process.exit(1);
}
if (!process.env.PORT || !Number.isInteger(savedPort)) fs.writeFileSync(portFile, String(port));
const server = spawn(NODE24, [ENTRY, ...common, '--auth', loopback ? 'none' : 'password', '--bind-addr', `${host.includes(':') ? `[${host}]` : host}:${port}`,
  '--disable-getting-started-override', '--ignore-last-opened', folder], { env: { ...env, ...(password ? { PASSWORD: password } : {}) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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

const where = loopback ? '127.0.0.1' : host;
const origin = `http://${where.includes(':') ? `[${where}]` : where}:${port}`;
const deadline = Date.now() + 60_000;
for (;;) {
  try { if ((await fetch(`${origin}/healthz`)).ok) break; } catch { /* not up yet */ }
  if (Date.now() > deadline) { console.error(`[start] code-server did not come up:\n${serverLog.join('')}`); await stop(1); }
  await new Promise(r => setTimeout(r, 200));
}
console.log([
  '',
  `Continuum is running in VS Code at  ${origin}/?folder=${encodeURIComponent(folder)}`,
  loopback ? '(open it in a browser on this machine; Ctrl+C stops it)'
    : `(listening on ${host}: code-server asks for the password ${process.env.PASSWORD ? 'in PASSWORD' : password}; use HTTPS or an SSH tunnel beyond a trusted network; Ctrl+C stops it)`,
  `Continuum's tasks, sessions and checkpoints for this folder are kept in ${state} between starts; \`npm start -- --fresh${given ? ' <folder>' : ''}\` starts clean.`,
  '',
].join('\n'));
