// The real workbench for a journey: code-server (VS Code 1.139.1 server + web workbench, from the cache that
// test/integration/runner/install.sh fills) with Continuum installed from its .vsix (as `npm start` does), driven by
// Debian chromium through playwright-core. No test hooks, and not the smoke-test driver either: that driver hides
// every notification toast, and a person reads toasts. Everything below is what a person does with keyboard and mouse.
//
// One Workbench = one code-server process on one folder with one user-data folder. stop() + start() again on the
// same user-data folder is what a person does when they stop `npm start` and run it again.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CACHE = process.env.CONTINUUM_VSCODE_CACHE ?? path.join(os.homedir(), '.cache/continuum-vscode');
const CODE_SERVER_DIR = path.join(CACHE, 'cs/node_modules/code-server');
const NODE24 = path.join(CACHE, 'node24/node/bin/node');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const freePort = () => new Promise((res, rej) => {
  const s = net.createServer(); s.unref(); s.on('error', rej);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

export class Workbench {
  /**
   * @param {object} o
   * @param {string} o.extensionsDir where Continuum's .vsix was installed (shared by the journeys, read only)
   * @param {string} o.folder the workspace folder to open
   * @param {string} o.home the journey's private folder: user-data, extensions, XDG dirs, TMPDIR
   * @param {boolean} [o.trust] false: Workspace Trust is on and the folder opens untrusted until the person trusts it
   * @param {Record<string, unknown>} [o.settings] user settings of the person's own, over the defaults below
   * @param {(...a: unknown[]) => void} o.log
   */
  constructor(o) {
    this.o = o;
    this.userData = path.join(o.home, 'user-data');
    this.server = undefined;
    this.browser = undefined;
    this.page = undefined;
    this.serverLog = [];
  }

  writeSettings() {
    const file = path.join(this.userData, 'User', 'settings.json');
    if (fs.existsSync(file)) return; // a restart keeps what the person's workbench wrote
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'security.workspace.trust.enabled': this.o.trust === false,
      'security.workspace.trust.startupPrompt': 'always',
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
      'git.autoRepositoryDetection': false,
      'git.openRepositoryInParentFolders': 'never',
      'workbench.editor.enablePreview': false,
      ...this.o.settings,
    }, null, 2));
  }

  async start() {
    const { home, folder, log } = this.o;
    for (const d of ['t', 'xdg-config', 'xdg-data', 'xdg-cache']) fs.mkdirSync(path.join(home, d), { recursive: true });
    this.writeSettings();
    // a restart keeps the address, as `npm start` does: VS Code files a folder's storage (and so
    // Continuum's store) under the address the workbench was opened at
    const port = this.port ?? await freePort();
    this.port = port;
    this.host = `127.0.0.1:${port}`;
    const args = [
      path.join(CODE_SERVER_DIR, 'out/node/entry.js'),
      '--auth', 'none', '--bind-addr', this.host,
      '--disable-telemetry', '--disable-update-check',
      ...(this.o.trust === false ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
      '--user-data-dir', this.userData,
      '--extensions-dir', this.o.extensionsDir,
      '--log', 'info',
      '--config', path.join(home, 'code-server-config.yaml'),
    ];
    this.serverLog = [];
    this.server = spawn(NODE24, args, {
      cwd: home,
      detached: true,
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(home, 'xdg-config'),
        XDG_DATA_HOME: path.join(home, 'xdg-data'),
        XDG_CACHE_HOME: path.join(home, 'xdg-cache'),
        TMPDIR: path.join(home, 't'),
        GIT_TERMINAL_PROMPT: '0',
        EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [this.server.stdout, this.server.stderr]) s.on('data', d => {
      this.serverLog.push(String(d));
      if (process.env.JOURNEY_VERBOSE) process.stdout.write(`[code-server] ${d}`);
    });
    const deadline = Date.now() + 60000;
    for (; ;) {
      try { if ((await fetch(`http://${this.host}/healthz`)).ok) break; } catch { /* not up yet */ }
      if (Date.now() > deadline || this.server.exitCode !== null) throw new Error(`code-server did not come up:\n${this.serverLog.join('')}`);
      await new Promise(r => setTimeout(r, 200));
    }
    log(`code-server on http://${this.host} (pid ${this.server.pid})`);
    const { chromium } = createRequire(path.join(CACHE, 'runner/'))('playwright-core');
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-crash-reporter', '--disable-breakpad'],
      env: { ...process.env, XDG_CONFIG_HOME: path.join(home, 'xdg-config'), XDG_CACHE_HOME: path.join(home, 'xdg-cache') },
    });
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    this.page = await context.newPage();
    this.page.on('pageerror', e => { if (process.env.JOURNEY_VERBOSE) log(`[page error] ${e.message}`); });
    this.url = `http://${this.host}/?folder=${encodeURIComponent(folder)}`;
    this.page.setDefaultTimeout(60000);
    // generous: on a loaded 2-core CI machine the first workbench load can take a minute
    await this.page.goto(this.url, { timeout: 180000, waitUntil: 'domcontentloaded' });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 180000 });
    log('workbench DOM present');
  }

  /** Stops the browser and code-server (SIGTERM to its process group, then SIGKILL), as Ctrl+C on `npm start` does. */
  async stop() {
    try { await this.browser?.close(); } catch { /* already gone */ }
    this.browser = undefined;
    const server = this.server;
    this.server = undefined;
    if (server && server.exitCode === null) {
      const exited = new Promise(r => server.once('exit', r));
      try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
      await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
      try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
}

/** Installs the .vsix into `extensionsDir` with code-server's own CLI, once for the whole suite. */
export function installExtension(vsix, extensionsDir, scratch) {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const r = spawnSync(NODE24, [path.join(CODE_SERVER_DIR, 'out/node/entry.js'), '--user-data-dir', path.join(scratch, 'install-user-data'),
    '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check', '--install-extension', vsix], {
    encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: path.join(scratch, 'xdg-config'), XDG_DATA_HOME: path.join(scratch, 'xdg-data') },
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}
