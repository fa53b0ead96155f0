// The launcher agents' configurations name: run by a real `node`, it starts the CLI of the version
// that wrote it, and after an update removed that version, the newest one installed beside it.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { launcherScript } from '../../../../src/core/agents/setup/launcher';

function install(folder: string, name: string): string {
  const cli = path.join(folder, name, 'dist', 'cli.js');
  fs.mkdirSync(path.dirname(cli), { recursive: true });
  fs.writeFileSync(cli, `process.stdout.write(${JSON.stringify(name)} + ' ' + process.argv.slice(2).join(' '));\n`);
  return cli;
}

describe('the CLI launcher for agents', () => {
  let work: string;
  let extensions: string;
  let launcher: string;
  const run = (...args: string[]) => execFileSync(process.execPath, [launcher, ...args], { encoding: 'utf8' });

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-launcher-'));
    extensions = path.join(work, 'extensions');
    launcher = path.join(work, 'globalStorage', 'continuum-cli.js');
    fs.mkdirSync(path.dirname(launcher), { recursive: true });
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('runs the CLI of the version that wrote it, with the arguments it was given', () => {
    install(extensions, 'continuum.continuum-0.9.0');
    const cli = install(extensions, 'continuum.continuum-0.10.0');
    fs.writeFileSync(
      launcher,
      launcherScript({ cliPath: cli, extensionsFolder: extensions, extensionId: 'continuum.continuum' }),
    );
    assert.strictEqual(run('mcp', '--store', '/a b'), 'continuum.continuum-0.10.0 mcp --store /a b');
  });

  it('after an update removed that version, runs the newest one installed (by version, not by name)', () => {
    const old = install(extensions, 'continuum.continuum-0.9.0');
    fs.writeFileSync(
      launcher,
      launcherScript({ cliPath: old, extensionsFolder: extensions, extensionId: 'continuum.continuum' }),
    );
    install(extensions, 'continuum.continuum-0.10.0-linux-x64');
    install(extensions, 'continuum.continuum-0.9.5');
    install(extensions, 'other.continuum-9.0.0');
    fs.rmSync(path.join(extensions, 'continuum.continuum-0.9.0'), { recursive: true });
    assert.strictEqual(run('status'), 'continuum.continuum-0.10.0-linux-x64 status');
  });

  it('says what to do when no Continuum is installed any more', () => {
    fs.writeFileSync(
      launcher,
      launcherScript({
        cliPath: path.join(extensions, 'continuum.continuum-0.9.0', 'dist', 'cli.js'),
        extensionsFolder: extensions,
        extensionId: 'continuum.continuum',
      }),
    );
    assert.throws(
      () => execFileSync(process.execPath, [launcher], { encoding: 'utf8', stdio: 'pipe' }),
      (err: { status: number; stderr: string }) =>
        err.status === 1 && /Install it in VS Code again, then run Continuum: Set Up Agents/.test(err.stderr),
    );
  });
});
