import * as assert from 'assert';
import { isMember, pnpmPackages } from '../../../src/core/graph/workspaceMembers';
import { graphWorld, type GraphWorld } from './world';

// Minimal reproductions of how real monorepos declare their projects: solution-style tsconfigs,
// extends chains (from packages too), workspace membership from the package manager, and
// workspace packages whose entry points name only their build output.

const deps = (w: GraphWorld, id: string) =>
  w.graph
    .getDependencies(id)
    .map(c => c.id)
    .sort();

async function built(files: Record<string, string>): Promise<GraphWorld> {
  const w = await graphWorld(files);
  await w.build();
  return w;
}

describe('knowledge graph on monorepos', () => {
  const worlds: GraphWorld[] = [];
  const world = async (files: Record<string, string>) => {
    const w = await built(files);
    worlds.push(w);
    return w;
  };

  afterEach(async () => {
    for (const w of worlds.splice(0)) {
      w.graph.dispose();
      await w.store.close();
    }
  });

  describe('tsconfig ownership', () => {
    it('a solution-style tsconfig.json hands its files to the referenced config that includes them, with that config’s paths', async () => {
      const w = await world({
        'webview/tsconfig.json': `{ "files": [], "references": [{ "path": "./tsconfig.app.json" }, { "path": "./tsconfig.node.json" }], "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] } } }`,
        'webview/tsconfig.app.json': `{ "compilerOptions": { "baseUrl": ".", "paths": { "@shared/*": ["../shared/*"], "@components/*": ["src/components/*"] } }, "include": ["src"] }`,
        'webview/tsconfig.node.json': `{ "compilerOptions": { "paths": { "@shared/*": ["./node-shared/*"] } }, "include": ["vite.config.ts"] }`,
        'webview/node-shared/format.ts': `export const format = 1;\n`,
        'webview/src/main.tsx': `import { format } from '@shared/format';\nimport { Button } from '@components/Button';\nexport const x = format(Button);\n`,
        'webview/src/components/Button.tsx': `export const Button = 1;\n`,
        'webview/vite.config.ts': `import { format } from '@shared/format';\nexport default format;\n`,
        'shared/format.ts': `export function format(x: unknown) { return String(x); }\n`,
      });
      assert.deepStrictEqual(deps(w, 'webview/src/main.tsx'), [
        'shared/format.ts',
        'webview/src/components/Button.tsx',
      ]);
      // vite.config.ts is owned by tsconfig.node.json, whose @shared/* points elsewhere
      assert.deepStrictEqual(deps(w, 'webview/vite.config.ts'), ['webview/node-shared/format.ts']);
    });

    it('files outside a config’s include and inside its exclude belong to the next config up', async () => {
      const w = await world({
        'tsconfig.json': `{ "compilerOptions": { "baseUrl": ".", "paths": { "#lib/*": ["lib/*"] } } }`,
        'app/tsconfig.json': `{ "compilerOptions": { "baseUrl": ".", "paths": { "#lib/*": ["vendor/*"] } }, "include": ["src/**/*"], "exclude": ["src/legacy"] }`,
        'app/src/a.ts': `import { v } from '#lib/v';\nexport const a = v;\n`,
        'app/src/legacy/old.ts': `import { v } from '#lib/v';\nexport const o = v;\n`,
        'app/scripts/tool.ts': `import { v } from '#lib/v';\nexport const t = v;\n`,
        'app/vendor/v.ts': `export const v = 1;\n`,
        'lib/v.ts': `export const v = 2;\n`,
      });
      assert.deepStrictEqual(deps(w, 'app/src/a.ts'), ['app/vendor/v.ts']);
      assert.deepStrictEqual(deps(w, 'app/src/legacy/old.ts'), ['lib/v.ts']);
      assert.deepStrictEqual(deps(w, 'app/scripts/tool.ts'), ['lib/v.ts']);
    });

    it('follows extends chains: relative, from a package in node_modules, and arrays (the last one wins)', async () => {
      const w = await world({
        'node_modules/@acme/tsconfig/base.json': `{ "extends": "./paths.json" }`,
        'node_modules/@acme/tsconfig/paths.json': `{ "compilerOptions": { "paths": { "~pkg/*": ["\${configDir}/lib/*"] } } }`,
        'node_modules/@tsconfig/node20/tsconfig.json': `{ "compilerOptions": { "target": "es2022" } }`,
        'configs/paths.json': `{ "compilerOptions": { "baseUrl": "..", "paths": { "~/*": ["src/*"] } }, "include": ["../src"] }`,
        'tsconfig.json': `{ "extends": ["@tsconfig/node20/tsconfig.json", "./configs/paths.json"] }`,
        'src/a.ts': `import { b } from '~/b';\nexport const a = b;\n`,
        'src/b.ts': `export const b = 1;\n`,
        'pkg/tsconfig.json': `{ "extends": "@acme/tsconfig/base.json" }`,
        'pkg/x.ts': `import { y } from '~pkg/y';\nexport const x = y;\n`,
        'pkg/lib/y.ts': `export const y = 1;\n`,
      });
      assert.deepStrictEqual(deps(w, 'src/a.ts'), ['src/b.ts']);
      // ${configDir} is the folder of the config the chain started from, not of the package's config
      assert.deepStrictEqual(deps(w, 'pkg/x.ts'), ['pkg/lib/y.ts']);
    });
  });

  describe('workspace membership', () => {
    it('only packages the package manager declares capture imports by name; a stub package.json named like an external package does not', async () => {
      const w = await world({
        'package.json': `{ "name": "root", "private": true, "workspaces": { "packages": ["packages/*", "apps/*"] } }`,
        'packages/sdk/package.json': `{ "name": "@acme/sdk", "main": "index.ts" }`,
        'packages/sdk/index.ts': `export const sdk = 1;\n`,
        'apps/ext/src/extension.ts': `import * as vscode from 'vscode';\nimport { sdk } from '@acme/sdk';\nexport const e = [vscode, sdk];\n`,
        'apps/ext/package.json': `{ "name": "ext" }`,
        'apps/ext/out-stub/vscode/package.json': `{ "name": "vscode", "main": "index.js" }`,
        'apps/ext/out-stub/vscode/index.js': `module.exports = {};\n`,
      });
      assert.deepStrictEqual(deps(w, 'apps/ext/src/extension.ts'), ['packages/sdk/index.ts', 'pkg:vscode']);
    });

    it('reads pnpm-workspace.yaml with globs and ! negations', async () => {
      const w = await world({
        'package.json': `{ "name": "root", "private": true }`,
        'pnpm-workspace.yaml': `# the workspace\npackages:\n  - 'packages/**'\n  - "!packages/fixtures/**"   # not members\ncatalog:\n  react: ^18\n`,
        'packages/core/package.json': `{ "name": "core", "main": "index.ts" }`,
        'packages/core/index.ts': `export const core = 1;\n`,
        'packages/fixtures/core/package.json': `{ "name": "core-fixture", "main": "index.ts" }`,
        'packages/fixtures/core/index.ts': `export const fixture = 1;\n`,
        'app.ts': `import { core } from 'core';\nimport { fixture } from 'core-fixture';\nexport const a = [core, fixture];\n`,
      });
      assert.deepStrictEqual(deps(w, 'app.ts'), ['packages/core/index.ts', 'pkg:core-fixture']);
    });

    it('reads pnpm-workspace.yaml lists in flow style too, and a later negation wins over an earlier match', () => {
      assert.deepStrictEqual(
        pnpmPackages(`packages: ['apps/*', "libs/**", tools] # all\nonlyBuiltDependencies:\n  - esbuild\n`),
        ['apps/*', 'libs/**', 'tools'],
      );
      assert.deepStrictEqual(pnpmPackages('catalog:\n  packages: 1\n'), []);
      assert.strictEqual(isMember('libs/a/b', ['libs/**', '!libs/a/*']), false);
      assert.strictEqual(isMember('libs/a', ['libs/**', '!libs/a/*']), true);
      assert.strictEqual(isMember('apps', ['apps/*']), false);
    });

    it('reads lerna.json packages', async () => {
      const w = await world({
        'fixtures/one/package.json': `{ "name": "one", "main": "index.js" }`,
        'fixtures/one/index.js': `module.exports = 'a copy';\n`,
        'lerna.json': `{ "packages": ["modules/*"], "version": "1.0.0" }`,
        'modules/one/package.json': `{ "name": "one", "main": "index.js" }`,
        'modules/one/index.js': `module.exports = 1;\n`,
        'modules/two/index.js': `module.exports = require('one');\n`,
      });
      assert.deepStrictEqual(deps(w, 'modules/two/index.js'), ['modules/one/index.js']);
    });
  });

  describe('workspace packages built to dist', () => {
    it('maps exports that name only ./dist back to the source through the package’s tsconfig outDir/rootDir', async () => {
      const w = await world({
        'package.json': `{ "name": "root", "private": true, "workspaces": ["packages/*"] }`,
        'packages/ui/package.json': `{ "name": "@acme/ui", "exports": { ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js" }, "./button": "./dist/button.js" } }`,
        'packages/ui/tsconfig.json': `{ "compilerOptions": { "outDir": "dist", "rootDir": "lib" } }`,
        'packages/ui/lib/index.ts': `export * from './button';\n`,
        'packages/ui/lib/button.ts': `export const Button = 1;\n`,
        'packages/util/package.json': `{ "name": "@acme/util", "main": "./build/cjs/index.js", "types": "./build/types/index.d.ts" }`,
        'packages/util/src/index.ts': `export const util = 1;\n`,
        'packages/gone/package.json': `{ "name": "@acme/gone", "main": "./dist/index.js" }`,
        'app.ts': `import { Button } from '@acme/ui/button';\nimport * as ui from '@acme/ui';\nimport { util } from '@acme/util';\nimport { gone } from '@acme/gone';\nexport const a = [Button, ui, util, gone];\n`,
      });
      assert.deepStrictEqual(deps(w, 'app.ts'), [
        'packages/ui/lib/button.ts',
        'packages/ui/lib/index.ts',
        'packages/util/src/index.ts',
      ]);
      const unresolved = w.graph.index().unresolvedImports();
      assert.deepStrictEqual(
        unresolved.map(u => u.specifier),
        ['@acme/gone'],
      );
      assert.match(unresolved[0].reason ?? '', /workspace package @acme\/gone.*dist\/index\.js.*no source/);
    });

    it('follows an entry point a package publishes inside its build (dist/dynamic/X/package.json) to the source of what it names', async () => {
      const w = await world({
        'package.json': `{ "name": "root", "private": true, "workspaces": ["packages/*"] }`,
        'packages/chat/package.json': `{ "name": "@acme/chat", "main": "dist/cjs/index.js", "module": "dist/esm/index.js" }`,
        'packages/chat/tsconfig.json': `{ "compilerOptions": { "outDir": "./dist/esm", "rootDir": "./src" } }`,
        'packages/chat/src/index.ts': `export * from './Menu';\n`,
        'packages/chat/src/Menu/index.ts': `export const Menu = 1;\n`,
        // what the build writes: the published entry folder, and build output that is never read
        'packages/chat/dist/dynamic/Menu/package.json': `{ "main": "../../cjs/Menu/index.js", "module": "../../esm/Menu/index.js", "typings": "../../esm/Menu/index.d.ts" }`,
        'packages/chat/dist/esm/Menu/index.js': `export const Menu = 1;\n`,
        // a deep entry point published at the package's root, imported relatively from inside the package
        'packages/chat/helpers/package.json': `{ "main": "../dist/js/helpers/index.js", "module": "../dist/esm/helpers/index.js" }`,
        'packages/chat/src/helpers/index.ts': `export const help = 1;\n`,
        'packages/chat/src/Menu/Menu.test.tsx': `import { help } from '../../helpers';\nexport const t = help;\n`,
        'packages/docs/package.json': `{ "name": "@acme/docs" }`,
        'packages/docs/example.tsx': `import { Menu } from '@acme/chat/dist/dynamic/Menu';\nexport const m = Menu;\n`,
        'packages/docs/old.js': `const { Menu } = require('@acme/chat/dist/dynamic/Menu');\nmodule.exports = Menu;\n`,
      });
      assert.deepStrictEqual(deps(w, 'packages/docs/example.tsx'), ['packages/chat/src/Menu/index.ts']);
      assert.deepStrictEqual(deps(w, 'packages/docs/old.js'), ['packages/chat/src/Menu/index.ts']);
      assert.deepStrictEqual(deps(w, 'packages/chat/src/Menu/Menu.test.tsx'), ['packages/chat/src/helpers/index.ts']);
      assert.ok(
        !w.graph.index().projectConfig.packages.some(p => p.dir.includes('dist/esm')),
        'the build output itself is not read',
      );
    });
  });
});
