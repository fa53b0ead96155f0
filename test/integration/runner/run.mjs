#!/usr/bin/env node
// Continuum's integration runner: runs the mocha suite (out/integration, bundled by `node esbuild.js --tests`) inside a
// real VS Code (code-server 4.139.1 = Code-OSS 1.139.1, Node extension host), driven by Debian chromium through
// playwright-core, and takes workbench screenshots. Adapted from the shared harness; needs nothing outside this clone
// except the cache folder that install.sh fills on first use (${CONTINUUM_VSCODE_CACHE:-~/.cache/continuum-vscode}).
//
//   node test/integration/runner/run.mjs test   [--grep RE] [--include-failing] [--screenshot PNG] [options]
//   node test/integration/runner/run.mjs shot   [--screenshot PNG] [--drive drive.mjs] [options]
// options (all have project defaults): --ext DIR (repo root)  --tests DIR (out/integration)
//   --workspace DIR (test/fixtures/sample, copied to a temp dir per run; --no-copy uses it in place)
//   --shots-dir DIR (test-results)  --settings settings.json (merged into the user settings)  --allow-no-result
// Exit status (test): 0 only if the workbench reported extension host exit code 0 AND the test index wrote
// {passed, failed, results} to $HARNESS_RESULT_FILE with failed === 0. A killed extension host (no result file),
// code-server dying, or the timeout (HARNESS_TIMEOUT_S, default 900) => 1. Bad usage / not built => 2.
// The last line printed in test mode is the "N passed, N failed" summary (or an ERROR line when there is no result).
// From inside a test: console.log('HARNESS_SCREENSHOT <name>')  -> $HARNESS_SHOT_DIR/<name>.png
//                     console.log('HARNESS_QUERY <name> <selector>') -> $HARNESS_QUERY_DIR/<name>.json (DOM facts)
//   (helpers in test/integration/suite/screenshot.ts)
// Env: HARNESS_GREP (mocha grep, same as --grep), HARNESS_INCLUDE_FAILING=1 (same as --include-failing),
//      CONTINUUM_VSCODE_CACHE, CODE_SERVER_VERSION (another VS Code, e.g. the oldest supported), CONTINUUM_SKIP_INSTALL=1 (don't run install.sh), CHROMIUM (default /usr/bin/chromium),
//      HARNESS_VERBOSE=1 (server + browser console), HARNESS_KEEP_TMP=1, HARNESS_LOG_DIR (workbench logs), HARNESS_PORT.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { format } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNNER_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(RUNNER_DIR, '../../..');
const CACHE = process.env.CONTINUUM_VSCODE_CACHE ?? path.join(os.homedir(), '.cache/continuum-vscode');

const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const log = (...a) => console.log(`[runner ${since()}]`, ...a);

// ---------- args ----------
const [mode = 'test', ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i++) {
  const k = rest[i].replace(/^--/, '');
  if (rest[i + 1] === undefined || rest[i + 1].startsWith('--')) opt[k] = true; else opt[k] = rest[++i];
}
if (!['test', 'shot'].includes(mode) || opt.help) {
  console.error('usage: run.mjs test [--grep RE] [--include-failing] [--screenshot PNG] [--ext DIR] [--tests DIR] [--workspace DIR] [--shots-dir DIR]\n' +
    '       run.mjs shot [--screenshot PNG] [--drive drive.mjs] [--ext DIR] [--workspace DIR]');
  process.exit(2);
}
const extDir = path.resolve(opt.ext ?? REPO);
const testsDir = path.resolve(opt.tests ?? path.join(REPO, 'out/integration'));
const workspaceSrc = path.resolve(opt.workspace ?? path.join(REPO, 'test/fixtures/sample'));
const shotsDir = path.resolve(opt['shots-dir'] ?? path.join(REPO, 'test-results'));
const shotFile = opt.screenshot ? path.resolve(opt.screenshot) : (mode === 'shot' ? path.join(shotsDir, 'workbench.png') : undefined);
const grep = typeof opt.grep === 'string' ? opt.grep : (process.env.HARNESS_GREP ?? '');
const includeFailing = !!opt['include-failing'] || process.env.HARNESS_INCLUDE_FAILING === '1';
const TIMEOUT_MS = Number(process.env.HARNESS_TIMEOUT_S ?? 900) * 1000;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const mainFile = path.join(extDir, JSON.parse(fs.readFileSync(path.join(extDir, 'package.json'), 'utf8')).main ?? 'dist/extension.js');
const missing = [[mainFile, 'node esbuild.js'], ...(mode === 'test' ? [[path.join(testsDir, 'index.js'), 'node esbuild.js --tests']] : []), [workspaceSrc, '']]
  .filter(([f]) => !fs.existsSync(f));
if (missing.length) {
  for (const [f, fix] of missing) console.error(`ERROR: ${f} does not exist${fix ? ` (build first: ${fix})` : ''}`);
  process.exit(2);
}

// ---------- install (first use) and load playwright-core from the cache ----------
if (process.env.CONTINUUM_SKIP_INSTALL !== '1') {
  const r = spawnSync('bash', [path.join(RUNNER_DIR, 'install.sh')], { stdio: 'inherit', env: { ...process.env, CONTINUUM_VSCODE_CACHE: CACHE } });
  if (r.status !== 0) { console.error(`ERROR: install.sh failed (exit ${r.status ?? r.signal})`); process.exit(1); }
}
// CODE_SERVER_VERSION other than install.sh's default is installed beside it, in cs-<version>
const otherVersion = process.env.CODE_SERVER_VERSION && path.join(CACHE, `cs-${process.env.CODE_SERVER_VERSION}`);
const CODE_SERVER_DIR = path.join(otherVersion && fs.existsSync(otherVersion) ? otherVersion : path.join(CACHE, 'cs'), 'node_modules/code-server');
// the node that runs this code-server (install.sh writes it: an older code-server needs an older Node)
const nodeFile = path.join(CODE_SERVER_DIR, '../../.node');
const NODE24 = fs.existsSync(nodeFile) ? fs.readFileSync(nodeFile, 'utf8').trim() : path.join(CACHE, 'node24/node/bin/node');
const { chromium } = createRequire(path.join(CACHE, 'runner/'))('playwright-core');

// ---------- temp dirs ----------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-vscode-'));
const userDataDir = path.join(tmp, 'user-data');
const extensionsDir = path.join(tmp, 'extensions');
const resultFile = path.join(tmp, 'result.json');
const queryDir = path.join(tmp, 'queries');
// tests run against a throw-away copy of the workspace (same basename); --no-copy uses it in place
const workspace = opt['no-copy'] ? workspaceSrc : path.join(tmp, path.basename(workspaceSrc));
if (!opt['no-copy']) fs.cpSync(workspaceSrc, workspace, { recursive: true });
for (const d of [shotsDir, queryDir, userDataDir, extensionsDir, path.join(userDataDir, 'User'), path.join(tmp, 't')]) fs.mkdirSync(d, { recursive: true });
// test-only extensions, installed as a user would (the web workbench takes one extensionDevelopmentPath):
// a scripted chat model for @continuum's tests
if (opt.ext === undefined) {
  const testExtension = path.join(REPO, 'test/integration/model-provider');
  const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(testExtension, 'package.json'), 'utf8'));
  fs.cpSync(testExtension, path.join(extensionsDir, `${publisher}.${name}-${version}`), { recursive: true });
}
// quiet, deterministic workbench
const extraSettings = opt.settings ? JSON.parse(fs.readFileSync(path.resolve(opt.settings), 'utf8')) : {};
fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.ignoreRecommendations': true,
  'github.gitAuthentication': false,
  ...extraSettings,
}, null, 2));

const freePort = () => new Promise((res, rej) => {
  const s = net.createServer(); s.unref(); s.on('error', rej);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

let server, browser, exitCode = 1, finished = false, lastLine;
async function cleanup() {
  try { await browser?.close(); } catch { /* already gone */ }
  if (server && server.exitCode === null) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
    await new Promise(r => setTimeout(r, 500));
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  if (!process.env.HARNESS_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { finished = true; await cleanup(); process.exit(130); });

try {
  const port = Number(process.env.HARNESS_PORT ?? await freePort());
  const host = `127.0.0.1:${port}`;
  // ---------- code-server (Node 24) on loopback only ----------
  const args = [
    path.join(CODE_SERVER_DIR, 'out/node/entry.js'),
    '--auth', 'none',
    '--bind-addr', host,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--disable-proxy',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--log', 'info',
    // lets the built workbench honour ?payload= extensionDevelopmentPath/extensionTestsPath (an older
    // code-server, e.g. 4.104, has no --vscode-option and honours the payload without it)
    ...(fs.readFileSync(path.join(CODE_SERVER_DIR, 'out/node/cli.js'), 'utf8').includes('vscode-option') ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    '--config', path.join(tmp, 'code-server-config.yaml'),
  ];
  const serverLog = [];
  let serverExited;
  const serverExit = new Promise(r => { serverExited = r; });
  server = spawn(NODE24, args, {
    detached: true, // own process group: cleanup kills the extension host and its children too
    env: {
      ...process.env,
      HARNESS_RESULT_FILE: resultFile,
      HARNESS_SHOT_DIR: shotsDir,
      HARNESS_QUERY_DIR: queryDir,
      HARNESS_INCLUDE_FAILING: includeFailing ? '1' : '0',
      HARNESS_GREP: grep,
      XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
      XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
      XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
      TMPDIR: path.join(tmp, 't'), // ipc/git sockets, tsserver temp files (short path: sockets)
      GIT_TERMINAL_PROMPT: '0',
      EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}', // no marketplace (open-vsx is unreachable)
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [server.stdout, server.stderr]) s.on('data', d => {
    const txt = d.toString(); serverLog.push(txt);
    if (process.env.HARNESS_VERBOSE) process.stdout.write(`[code-server] ${txt}`);
  });
  server.on('exit', c => { if (!finished) log(`code-server exited early with ${c}\n${serverLog.join('')}`); serverExited(`code-server exited (${c})`); });

  const deadline = Date.now() + 60000;
  for (; ;) {
    try { const r = await fetch(`http://${host}/healthz`); if (r.ok) break; } catch { /* not up yet */ }
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`code-server did not come up:\n${serverLog.join('')}`);
    await new Promise(r => setTimeout(r, 200));
  }
  log(`code-server listening on http://${host} (pid ${server.pid})`);

  // ---------- browser ----------
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-crash-reporter', '--disable-breakpad'],
    env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache') },
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
  const page = await context.newPage();

  let resolveExit;
  const exitPromise = new Promise(r => { resolveExit = r; });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    let text = Array.isArray(args) ? format(...args) : String(args);
    if (!process.env.HARNESS_VERBOSE) text = text.split('\n').filter(l => !/^\s+at /.test(l)).join('\n'); // drop stack frames
    console.log(`[vscode ${type}] ${text}`);
    const shot = /HARNESS_SCREENSHOT ([\w.-]+)/.exec(text);
    if (shot) setImmediate(async () => { // don't block the page's binding call
      const file = path.join(shotsDir, `${shot[1]}.png`);
      try { await page.mouse.move(700, 5); await page.screenshot({ path: file + '.tmp.png' }); fs.renameSync(file + '.tmp.png', file); log(`screenshot ${file}`); }
      catch (e) { log(`screenshot ${shot[1]} failed: ${e}`); }
    });
    const second = /HARNESS_SECOND_WINDOW ([\w.-]+) (.+)/.exec(text);
    if (second) setImmediate(() => void openSecondWindow(second[1], second[2]));
    const query = /HARNESS_QUERY ([\w.-]+) (.+)/.exec(text);
    if (query) setImmediate(async () => {
      const file = path.join(queryDir, `${query[1]}.json`);
      let facts;
      try {
        // one snapshot in the page: element by element, a list that re-renders meanwhile (a running
        // session updates the tree) would leave nth(i) waiting for a row that is gone
        const snapshot = () => page.locator(query[2]).evaluateAll(els => els.map(el => {
          const box = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          return { text: (el.textContent ?? '').trim(), visible: box.width > 0 && box.height > 0 && style.visibility !== 'hidden', ariaLabel: el.getAttribute('aria-label') };
        }));
        let items;
        // a webview that (re)loads its page meanwhile destroys the frame's context: read it again once it has loaded
        for (let attempt = 1; ; attempt++) {
          try { items = await snapshot(); break; }
          catch (e) { if (attempt >= 10 || !/context was destroyed|frame was detached/i.test(String(e))) throw e; await new Promise(r => setTimeout(r, 300)); }
        }
        facts = { selector: query[2], count: items.length, items };
      } catch (e) { facts = { selector: query[2], error: String(e) }; }
      fs.writeFileSync(file + '.tmp', JSON.stringify(facts)); fs.renameSync(file + '.tmp', file);
    });
  });
  await page.exposeFunction('codeAutomationExit', async (code, logs) => {
    log(`workbench reported extension host exit code ${code}`);
    if (process.env.HARNESS_LOG_DIR && Array.isArray(logs)) {
      for (const { relativePath, contents } of logs) {
        const p = path.join(process.env.HARNESS_LOG_DIR, relativePath);
        fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, contents);
      }
    }
    resolveExit(code);
  });
  page.on('pageerror', e => log(`[page error] ${e.message}`));
  if (process.env.HARNESS_VERBOSE) page.on('console', m => console.log(`[browser ${m.type()}] ${m.text()}`));

  // ---------- URL ----------
  const remote = p => `vscode-remote://${host}${p}`;
  const payload = [['skipWelcome', 'true'], ['extensionDevelopmentPath', remote(extDir)]];
  // A second workbench window on the same folder (its own extension host, the development extension
  // without tests): waits until `selector` is visible there, writes what it shows to the query folder
  // and a screenshot, then closes it. Asked for by a test with HARNESS_SECOND_WINDOW <name> <selector>.
  const secondUrl = `http://${host}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  async function openSecondWindow(name, selector) {
    const file = path.join(queryDir, `${name}.json`);
    let facts;
    const second = await context.newPage();
    try {
      await second.exposeFunction('codeAutomationLog', () => undefined);
      await second.exposeFunction('codeAutomationExit', () => undefined);
      // a second workbench under load takes a while: its DOM, not every resource's load event, is what counts
      await second.goto(secondUrl, { waitUntil: 'domcontentloaded', timeout: 90000 });
      await second.waitForSelector('.monaco-workbench', { timeout: 60000 });
      const loc = second.locator(selector);
      await loc.first().waitFor({ state: 'visible', timeout: 60000 });
      const items = [];
      for (let i = 0; i < await loc.count(); i++) items.push({ text: ((await loc.nth(i).textContent()) ?? '').trim(), visible: await loc.nth(i).isVisible(), ariaLabel: null });
      facts = { selector, count: items.length, items };
      await second.screenshot({ path: path.join(shotsDir, `${name}.png`) });
    } catch (e) {
      facts = { selector, error: String(e) };
      await second.screenshot({ path: path.join(shotsDir, `${name}-failed.png`) }).catch(() => undefined);
    }
    await second.close().catch(() => undefined);
    fs.writeFileSync(file + '.tmp', JSON.stringify(facts)); fs.renameSync(file + '.tmp', file);
    log(`second window ${name}: ${facts.error ?? `${facts.count} match(es)`}`);
  }
  if (mode === 'test') payload.push(['extensionTestsPath', remote(testsDir)]);
  const url = `http://${host}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log(`opening ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  log('workbench DOM present');

  if (mode === 'test') {
    const timer = new Promise(r => setTimeout(() => r('timeout'), TIMEOUT_MS));
    const code = await Promise.race([exitPromise, timer, serverExit]);
    let result;
    try { result = JSON.parse(fs.readFileSync(resultFile, 'utf8')); } catch { /* no result file */ }
    if (result) {
      for (const r of result.results ?? []) console.log(`  ${r.state === 'passed' ? 'ok  ' : 'FAIL'} ${r.title}${r.err ? '\n       ' + r.err.split('\n').slice(0, 3).join('\n       ') : ''}`);
    }
    if (code === 'timeout') {
      log(`TIMEOUT after ${TIMEOUT_MS / 1000}s`);
      exitCode = 1;
    } else if (typeof code === 'string') {
      log(`ERROR ${code}`);
      exitCode = 1;
    } else {
      // codeAutomationExit(0) alone is not proof: a killed extension host is reported as 0 too.
      exitCode = (code === 0 && (result ? result.failed === 0 && result.passed > 0 : !!opt['allow-no-result'])) ? 0 : 1;
    }
    if (shotFile) { await page.screenshot({ path: shotFile }); log(`screenshot ${shotFile}`); }
    lastLine = result ? `${result.passed} passed, ${result.failed} failed`
      : `ERROR: no result file was written by the test index (extension host exit code ${code}): extension host killed or crashed, or timeout`;
  } else {
    // shot mode: a drive script (default: drive.mjs next to this file) puts the UI into the state to capture
    const drive = await import(pathToFileURL(path.resolve(opt.drive ?? path.join(RUNNER_DIR, 'drive.mjs'))).href);
    await drive.default(page, { log, waitForWebviewFrame });
    await page.mouse.move(700, 5); // no hover tooltips
    await page.waitForTimeout(500);
    await page.screenshot({ path: shotFile });
    log(`screenshot ${shotFile}`);
    exitCode = 0;
  }
} catch (e) {
  log(`ERROR ${e?.stack ?? e}`);
  exitCode = 1;
} finally {
  finished = true;
  await cleanup();
  log(`done in ${since()}, exit ${exitCode}`);
  if (lastLine) console.log(lastLine); // the 'N passed, N failed' summary CI understands: always the last line
  process.exit(exitCode);
}

async function waitForWebviewFrame(page, selector, timeout) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      try { if (await f.locator(selector).count()) return f; } catch { /* frame detached */ }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame with ${selector}`);
}
