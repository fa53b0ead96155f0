import * as assert from 'assert';
import { ModuleResolver, exportTargets } from '../../../src/core/graph/resolve';
import type { ProjectConfig } from '../../../src/core/graph/model';

const files = new Set([
  'src/a.ts',
  'src/util/index.ts',
  'src/esm.ts',
  'src/view.tsx',
  'src/legacy.js',
  'src/legacy.d.ts',
  'src/types.d.ts',
  'src/both.ts',
  'src/both.js',
  'lib/core/thing.ts',
  'packages/ui/src/index.ts',
  'packages/ui/src/button.ts',
  'packages/plain/main.js',
]);
const config: ProjectConfig = {
  tsconfigs: [{ dir: '', baseUrl: '', paths: { '@core/*': ['lib/core/*'], '~': ['src/a.ts'] } }],
  packages: [
    {
      name: '@acme/ui',
      dir: 'packages/ui',
      exports: { '.': { types: './src/index.ts', default: './dist/index.js' }, './*': './src/*.ts' },
    },
    { name: 'plain', dir: 'packages/plain', main: 'main.js' },
  ],
};
const resolver = new ModuleResolver(files, config);
const r = (from: string, spec: string) => {
  const x = resolver.resolve(from, spec);
  return x.kind === 'file'
    ? x.id
    : x.kind === 'asset'
      ? `asset:${x.id}`
      : x.kind === 'package'
        ? `pkg:${x.name}`
        : 'unresolved';
};

describe('import resolution', () => {
  it('resolves relative paths with extensions, index files, and .js written for .ts', () => {
    assert.strictEqual(r('src/view.tsx', './a'), 'src/a.ts');
    assert.strictEqual(r('src/a.ts', './util'), 'src/util/index.ts');
    assert.strictEqual(r('src/a.ts', './esm.js'), 'src/esm.ts');
    assert.strictEqual(r('src/util/index.ts', '../view.js'), 'src/view.tsx');
    assert.strictEqual(r('src/a.ts', './missing'), 'unresolved');
  });

  it('is runtime-first for every importer: the .js file, not the .d.ts that describes it; a .d.ts only when nothing runs', () => {
    assert.strictEqual(r('src/view.tsx', './legacy'), 'src/legacy.js');
    assert.strictEqual(r('packages/plain/main.js', '../../src/legacy'), 'src/legacy.js');
    assert.strictEqual(r('src/legacy.d.ts', './legacy'), 'src/legacy.js');
    assert.strictEqual(r('src/a.ts', './types'), 'src/types.d.ts');
    assert.strictEqual(r('src/legacy.js', './types.js'), 'src/types.d.ts');
  });

  it('a TypeScript importer prefers the TypeScript source to a .js beside it; a JavaScript importer the reverse', () => {
    assert.strictEqual(r('src/a.ts', './both'), 'src/both.ts');
    assert.strictEqual(r('src/legacy.js', './both'), 'src/both.js');
  });

  it('resolves tsconfig paths and baseUrl', () => {
    assert.strictEqual(r('src/a.ts', '@core/thing'), 'lib/core/thing.ts');
    assert.strictEqual(r('src/a.ts', '~'), 'src/a.ts');
    assert.strictEqual(r('src/view.tsx', 'src/util'), 'src/util/index.ts');
  });

  it('resolves the exports and main of workspace packages', () => {
    assert.strictEqual(r('src/a.ts', '@acme/ui'), 'packages/ui/src/index.ts');
    assert.strictEqual(r('src/a.ts', '@acme/ui/button'), 'packages/ui/src/button.ts');
    assert.strictEqual(r('src/a.ts', '@acme/ui/nothing'), 'unresolved');
    assert.strictEqual(r('src/a.ts', 'plain'), 'packages/plain/main.js');
  });

  it('a style, image or data file is an asset, relative or through tsconfig paths; other unknown files stay unresolved', () => {
    assert.strictEqual(r('src/view.tsx', './view.module.css'), 'asset:src/view.module.css');
    assert.strictEqual(r('src/util/index.ts', '../../assets/Logo.SVG'), 'asset:assets/Logo.SVG');
    assert.strictEqual(r('src/a.ts', './data.json?raw'), 'asset:src/data.json');
    assert.strictEqual(r('src/a.ts', '@core/table.scss'), 'asset:lib/core/table.scss');
    assert.strictEqual(r('src/a.ts', './app.service'), 'unresolved');
    assert.strictEqual(r('src/a.ts', './missing'), 'unresolved');
    // a package's stylesheet is still the package
    assert.strictEqual(r('src/a.ts', '@patternfly/react-styles/css/table.css'), 'pkg:@patternfly/react-styles');
  });

  it('anything else is an external package; Node built-ins are named node:*', () => {
    assert.strictEqual(r('src/a.ts', 'lodash/fp'), 'pkg:lodash');
    assert.strictEqual(r('src/a.ts', '@scope/pkg/deep/x'), 'pkg:@scope/pkg');
    assert.strictEqual(r('src/a.ts', 'fs'), 'pkg:node:fs');
    assert.strictEqual(r('src/a.ts', 'node:path'), 'pkg:node:path');
  });

  it('reads exports maps: conditions in order, subpath patterns, plain strings', () => {
    assert.deepStrictEqual(exportTargets('./index.js', '.'), ['./index.js']);
    assert.deepStrictEqual(exportTargets({ import: './m.mjs', require: './c.cjs' }, '.'), ['./m.mjs', './c.cjs']);
    assert.deepStrictEqual(exportTargets({ './feature/*': { default: './src/feature/*.js' } }, './feature/x'), [
      './src/feature/x.js',
    ]);
    assert.deepStrictEqual(exportTargets({ '.': './a.js' }, './b'), []);
  });
});

describe('import resolution of folders with a package.json', () => {
  const folderFiles = new Set([
    'Collapse/index.js',
    'Collapse/index.d.ts',
    'node/Collapse/index.js',
    'Button/Button.js',
    'Button/Button.d.ts',
  ]);
  const folderResolver = new ModuleResolver(folderFiles, {
    tsconfigs: [],
    packages: [{ name: '', dir: 'Collapse', main: '../node/Collapse/index.js', types: './index.d.ts' }],
  });
  const rf = (from: string, spec: string) => {
    const x = folderResolver.resolve(from, spec);
    return x.kind === 'file' ? x.id : x.kind;
  };

  it('goes where Node goes ("main"), from JavaScript and declaration files alike; "types" only when "main" is missing', () => {
    assert.strictEqual(rf('Button/Button.js', '../Collapse'), 'node/Collapse/index.js');
    assert.strictEqual(rf('Button/Button.d.ts', '../Collapse'), 'node/Collapse/index.js');
    const typesOnly = new ModuleResolver(new Set(['Types/index.d.ts', 'Types/all.d.ts', 'a.ts']), {
      tsconfigs: [],
      packages: [{ name: '', dir: 'Types', types: './all.d.ts' }],
    });
    assert.deepStrictEqual(typesOnly.resolve('a.ts', './Types'), { kind: 'file', id: 'Types/all.d.ts' });
  });

  it('an import of a folder whose package.json names an ES "module" loads it, as bundlers do (Node cannot import a folder); require() still loads "main"', () => {
    const files = new Set([
      'zero-styled/index.js',
      'zero-styled/index.d.ts',
      'node/zero-styled/index.js',
      'Button/Button.js',
      'Button/Button.d.ts',
    ]);
    const resolver = new ModuleResolver(files, {
      tsconfigs: [],
      packages: [
        {
          name: '',
          dir: 'zero-styled',
          module: './index.js',
          main: '../node/zero-styled/index.js',
          types: './index.d.ts',
        },
      ],
    });
    assert.deepStrictEqual(resolver.resolve('Button/Button.js', '../zero-styled'), {
      kind: 'file',
      id: 'zero-styled/index.js',
    });
    assert.deepStrictEqual(resolver.resolve('Button/Button.d.ts', '../zero-styled'), {
      kind: 'file',
      id: 'zero-styled/index.js',
    });
    assert.deepStrictEqual(resolver.resolve('Button/Button.js', '../zero-styled', 'require'), {
      kind: 'file',
      id: 'node/zero-styled/index.js',
    });
  });

  it('follows runtime conditions of exports before "types"', () => {
    assert.deepStrictEqual(exportTargets({ types: './index.d.ts', default: './index.js' }, '.'), [
      './index.js',
      './index.d.ts',
    ]);
  });
});
