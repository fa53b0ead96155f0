// Journey 9: the knowledge graph. The person builds it from the Command Palette, opens a file and asks
// Show Affected Components what a change to it may break (its importers, also through a tsconfig path
// alias). Then, with the window still open (it holds the store), they add a file and run
// `continuum graph build` in a terminal, as they would after a branch switch: the CLI says the window
// builds it and prints the window's summary, and Show Affected Components in the window lists the new file.
// Then they close VS Code and go on from the terminal (a git hook would): the first build leaves
// Continuum's daemon holding the store, the next one is built there; opening VS Code again, the window
// takes the store from the daemon, which ends, and builds as before.
import { execFile } from 'node:child_process';

export const title = 'Build Knowledge Graph, Show Affected Components, and continuum graph build in a terminal while the window holds the store';
export const steps = [
  'Build Knowledge Graph from the Command Palette says how many files it read',
  'With math.ts open, Show Affected Components lists its importers, also through the path alias',
  'continuum graph build in a terminal, with the window open, is built by the window',
  'Show Affected Components in the window then lists the file added outside it',
  'With VS Code closed, continuum graph build leaves the daemon holding the store, and the next build is built there',
  'VS Code opened again takes the store from the daemon, which ends, and Build Knowledge Graph works as before',
];

export function prepare(j) {
  j.write('tsconfig.json', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }\n');
  j.write('src/lib/math.ts', 'export function add(a: number, b: number) { return a + b }\n');
  j.write('src/lib/index.ts', "export * from './math'\n");
  j.write('src/app.ts', "import { add } from '@lib/math'\nexport const total = add(1, 2)\n");
  j.write('src/main.ts', "import { total } from './app'\nconsole.log(total)\n");
  j.gitInit();
}

/** Opens a workspace file by name with Go to File…, as a person does. */
async function openFile(p, name) {
  await p.runCommand('Go to File...');
  await p.pick(new RegExp(name.replace('.', '\\.')), name);
  await p.until(`${name} open in the editor`, async () => (await p.editorTabs()).some(t => t.includes(name)));
}

/** Show Affected Components on the file in front: the pick's rows. */
async function affectedRows(p) {
  await p.runCommand('Continuum: Show Affected Components');
  await p.quickInput(/Affected components of/i, 60000);
  const rows = (await p.allQuickRows()).map(r => r.label);
  await p.closeQuickInput();
  return rows;
}

/** `continuum graph build` of the workspace in a terminal, the daemon on (as off CI): exit code and output. */
function graphBuild(j, store) {
  return new Promise(resolve =>
    execFile(
      process.execPath,
      [j.installedCli(), 'graph', 'build', j.workspace, '--store', store],
      { cwd: j.workspace, timeout: 120000, env: { ...process.env, CONTINUUM_DAEMON: 'on' } },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }),
    ),
  );
}

/** `run()` again until `done` says its result will do (the browser is closed here: no person to wait with). */
async function retry(run, done, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const result = await run();
    if (done(result) || Date.now() > until) return result;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
}

export default async function (j) {
  const p = j.person;
  await p.openContinuum();
  await p.until('Continuum to be ready', async () => (await p.statusBarTexts()).some(t => /Continuum/.test(t)), 60000);

  await j.step(steps[0], async () => {
    await p.runCommand('Continuum: Build Knowledge Graph');
    const said = await p.notification(/Knowledge graph: \d+ files/, 60000);
    j.check('the notification counts the four source files, all parsed', /Knowledge graph: 4 files \(4 parsed/.test(said), said);
  });

  await j.step(steps[1], async () => {
    await openFile(p, 'math.ts');
    const rows = await affectedRows(p);
    j.log(`affected by math.ts: ${JSON.stringify(rows)}`);
    j.check('src/app.ts, which imports it through @lib/*, is listed', rows.some(r => r.includes('app.ts')), rows);
    j.check('src/main.ts, which imports app.ts, is listed', rows.some(r => r.includes('main.ts')), rows);
    j.check('the barrel src/lib/index.ts is listed', rows.some(r => r.includes('index.ts')), rows);
  });

  await j.step(steps[2], async () => {
    j.write('src/report.ts', "import { add } from '@lib/math'\nexport const report = add(2, 3)\n");
    const store = j.storeDir();
    const run = await new Promise(resolve =>
      execFile(
        process.execPath,
        [j.installedCli(), 'graph', 'build', j.workspace, '--store', store],
        { cwd: j.workspace, timeout: 120000 },
        (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }),
      ),
    );
    j.log(`continuum graph build: exit ${run.code}; ${run.stdout.trim()} | ${run.stderr.trim()}`);
    j.check('it ends well', run.code === 0, run.stderr);
    j.check('it says the VS Code window builds it', /held by a VS Code window \(pid \d+\): the graph is built there/.test(run.stderr), run.stderr);
    // the window's file watcher may have read the new file already, in which case the build reads none
    j.check('the summary counts five files, the new one among them', /^5 files \([01] parsed/.test(run.stdout), run.stdout);
  });

  await j.step(steps[3], async () => {
    await openFile(p, 'math.ts');
    await j.eventually('report.ts among the affected components', async () => (await affectedRows(p)).some(r => r.includes('report.ts')), 60000);
  });

  let daemon;
  const store = j.storeDir();
  await j.step(steps[4], async () => {
    await j.close();
    j.write('src/audit.ts', "import { report } from './report'\nexport const audit = report\n");
    // the window's process may take a moment to let go of the store once code-server stopped
    const first = await retry(() => graphBuild(j, store), r => r.code === 0, 60000);
    j.log(`first build: ${first.stdout.trim()} | ${first.stderr.trim()}`);
    j.check('a build in the terminal ends well once the window has let go of the store', first.code === 0, first.stderr);
    j.check('it read the new file', /^6 files \(1 parsed/.test(first.stdout), first.stdout);
    daemon = Number(/Continuum's daemon \(pid (\d+)\) keeps the store open/.exec(first.stderr)?.[1]);
    j.check('it says it left the daemon holding the store, and how to stop it', daemon > 0 && /continuum daemon stop --store/.test(first.stderr), first.stderr);
    j.write('src/audit.ts', "import { report } from './report'\nexport const audit = report + 1\n");
    // at once, as a script or a hook would: it waits for the daemon the first one started
    const next = await graphBuild(j, store);
    j.log(`next build: ${next.stdout.trim()} | ${next.stderr.trim()}`);
    j.check('the next build is built by the daemon', next.code === 0 && new RegExp(`held by Continuum's daemon \\(pid ${daemon}\\)`).test(next.stderr), next.stderr);
    j.check('it read the edited file only', /^6 files \([01] parsed/.test(next.stdout), next.stdout);
  });

  await j.step(steps[5], async () => {
    await j.open();
    await p.until('the workbench to come back', async () => (await p.statusBarTexts()).some(t => /Continuum/.test(t)), 90000);
    await j.eventually('the daemon ends once the window has the store', async () => !alive(daemon), 60000);
    await p.runCommand('Continuum: Build Knowledge Graph');
    // (the notifications seen before the restart are remembered: only one counting six files will do)
    const said = await p.notification(/Knowledge graph: 6 files/, 60000);
    j.check('the window builds the graph, the six files counted', /Knowledge graph: 6 files \(\d+ parsed, \d+ unchanged\)/.test(said), said);
    const run = await graphBuild(j, store);
    j.check('a terminal build is now built by the window', run.code === 0 && /held by a VS Code window/.test(run.stderr), run.stderr);
  });
}
