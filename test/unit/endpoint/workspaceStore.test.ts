// `continuum mcp --workspace DIR` finds the store VS Code uses for DIR: the continuum.storagePath
// setting in DIR/.vscode/settings.json, else the extension's folder in VS Code's workspaceStorage
// entry whose workspace.json names DIR.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { editorDataFolders, extensionId, storeOfWorkspace } from '../../../src/node/endpoint/workspaceStore';

describe('the store of a workspace folder, found from a terminal', () => {
  let work: string;
  let project: string;
  let data: string;

  const vscodeStorage = (name: string, folder: string, withStore: boolean) => {
    const entry = path.join(data, 'User', 'workspaceStorage', name);
    fs.mkdirSync(entry, { recursive: true });
    fs.writeFileSync(path.join(entry, 'workspace.json'), JSON.stringify({ folder: pathToFileURL(folder).href }));
    if (withStore) fs.mkdirSync(path.join(entry, extensionId));
    return path.join(entry, extensionId);
  };

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-wsstore-'));
    project = path.join(work, 'my project');
    data = path.join(work, 'Code');
    fs.mkdirSync(project);
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it("is Continuum's folder in VS Code's storage for that folder", () => {
    vscodeStorage('aaa', path.join(work, 'another'), true);
    const expected = vscodeStorage('bbb', project, true);
    assert.deepStrictEqual(storeOfWorkspace(project, [data]), { folder: expected });
    assert.deepStrictEqual(
      storeOfWorkspace(`${project}/`, [data]),
      { folder: expected },
      'a trailing slash is the same folder',
    );
  });

  it('is the folder the continuum.storagePath setting names, resolved against the workspace', () => {
    vscodeStorage('bbb', project, true);
    fs.mkdirSync(path.join(project, '.vscode'));
    fs.writeFileSync(
      path.join(project, '.vscode', 'settings.json'),
      '{ // mine\n "continuum.storagePath": ".continuum/store",\n}',
    );
    assert.deepStrictEqual(storeOfWorkspace(project, [data]), { folder: path.join(project, '.continuum', 'store') });
  });

  it('says how to make one, or to give --store, when VS Code never opened Continuum there', () => {
    vscodeStorage('bbb', project, false);
    const found = storeOfWorkspace(project, [data, path.join(work, 'not installed')]);
    assert.strictEqual(found.folder, undefined);
    assert.match(
      found.problem!,
      /open the folder in VS Code with Continuum once .* or say which store with --store DIR/,
    );
  });

  it('knows where VS Code keeps its data on each platform', () => {
    assert.ok(editorDataFolders('linux', '/home/me', {}).includes('/home/me/.config/Code'));
    assert.ok(editorDataFolders('linux', '/home/me', {}).includes('/home/me/.vscode-server/data'));
    assert.ok(editorDataFolders('darwin', '/Users/me', {}).includes('/Users/me/Library/Application Support/Code'));
    assert.ok(
      editorDataFolders('win32', 'C:\\Users\\me', { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }).some(f =>
        f.endsWith('Code'),
      ),
    );
  });
});
