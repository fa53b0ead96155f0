// Every `continuum.*` setting is read through the one settings table (src/core/settings.ts:
// readSetting, typed, with its default and limits), which test/unit/settings checks against
// package.json (issue 15, item 3). A host only says where the values come from: VS Code's
// configuration in src/vscode/settings.ts, .vscode/settings.json in src/node/workspaceSettings.ts.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const src = path.resolve(__dirname, '../../../src');

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap(e => {
    const full = path.join(folder, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Reads a `continuum.*` setting by itself: VS Code's configuration of the section, or a settings source asked for a named key. */
export function readsSettingRaw(code: string): boolean {
  return /getConfiguration\(\s*['"`]continuum['"`.]/.test(code) || /\bsource\(\s*['"`]/.test(code);
}

describe('the continuum.* settings', () => {
  it('are read only through the settings table (readSetting), never raw', () => {
    const where = new Set(['core/settings.ts', 'vscode/settings.ts']);
    const raw = sourceFiles(src)
      .map(f => path.relative(src, f).split(path.sep).join('/'))
      .filter(rel => !where.has(rel) && readsSettingRaw(fs.readFileSync(path.join(src, rel), 'utf8')))
      .sort();
    assert.deepStrictEqual(raw, []);
  });

  it("finds a raw read, and not another section's configuration nor a source passed on (the check itself)", () => {
    assert.deepStrictEqual(
      [
        "vscode.workspace.getConfiguration('continuum').get('executor.concurrency')",
        "const configured = settings.source('storagePath');",
        "vscode.workspace.getConfiguration('github-enterprise').get<string>('uri', '')",
        'key => fromFile.source(key)',
        "readSetting(settings.source, 'storagePath')",
      ].map(readsSettingRaw),
      [true, true, false, false, false],
    );
  });
});
