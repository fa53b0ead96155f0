// What the Command Palette offers: package.json's menus.commandPalette hides a command with
// `when: false`; the commands a person looks for there must not be hidden.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { menus: { commandPalette: Array<{ command: string; when?: string }> } };
};
const hidden = new Set(manifest.contributes.menus.commandPalette.filter(m => m.when === 'false').map(m => m.command));

describe('the Command Palette', () => {
  it('offers Group by Status, Group by Phase and Show Dependencies', () => {
    for (const command of [
      'continuum.tasks.groupByStatus',
      'continuum.tasks.groupByPhase',
      'continuum.task.showDependencies',
    ]) {
      assert.ok(!hidden.has(command), `${command} is hidden from the Command Palette`);
    }
  });
});
