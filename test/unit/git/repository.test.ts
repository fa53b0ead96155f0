import * as assert from 'node:assert/strict';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { findRepository } from '../../../src/core/git/repository';
import { git, tempDir } from './realRepo';

describe('finding the git repository of a workspace', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir('repository');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the spaces at the end of a work tree folder name', async () => {
    const workspace = path.join(root, 'my project  ');
    mkdirSync(workspace);
    git(workspace, 'init', '--quiet');
    const repo = await findRepository(workspace);
    assert.equal(repo?.workTree, realpathSync(workspace));
    assert.equal(repo?.gitDir, path.join(realpathSync(workspace), '.git'));
  });

  it('answers nothing for a folder outside any repository', async () => {
    assert.equal(await findRepository(root), undefined);
  });
});
