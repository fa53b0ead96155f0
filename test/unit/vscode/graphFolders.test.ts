import * as assert from 'assert';
import { listFolder } from '../../../src/vscode/graph/graphFolders';

describe('Knowledge Graph view folders', () => {
  const files = ['src/b.ts', 'src/a/x.ts', 'src/a/y/z.ts', 'index.ts', 'test/t.test.ts'];

  it('lists the sub-folders and files directly inside a folder, folders first, sorted', () => {
    assert.deepStrictEqual(listFolder(files, ''), { folders: ['src', 'test'], files: ['index.ts'] });
    assert.deepStrictEqual(listFolder(files, 'src'), { folders: ['src/a'], files: ['src/b.ts'] });
    assert.deepStrictEqual(listFolder(files, 'src/a'), { folders: ['src/a/y'], files: ['src/a/x.ts'] });
  });

  it('does not mistake a folder for another that starts with the same name', () => {
    assert.deepStrictEqual(listFolder(['srcx/a.ts', 'src/b.ts'], 'src'), { folders: [], files: ['src/b.ts'] });
  });
});
