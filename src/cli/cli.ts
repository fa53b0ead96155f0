// The CLI's entry (dist/cli.js): sets V8's flags for the command and turns on Node's compile cache
// (engine.ts), then loads the CLI proper (dist/cliMain.js, bundled from main.ts), or for `graph`
// commands the store and the graph alone (dist/cliGraph.js, from graphMain.ts, which sets the flags
// itself, later). Compiling that 1.4 MB
// bundle is a quarter of the CLI's start-up; from the cache it is a fraction of that. Without a
// compile cache (Node before 22.1) the CLI starts the same, only slower. `graph build` goes through
// dist/cliGraphBuild.js, which asks the store's holder first and does both only when it builds here.
import { enableCompileCache, prepareEngine } from './engine';

const [command, sub] = process.argv.slice(2);
if (command === 'graph' && sub === 'build') {
  // asks the store's holder first, with an 8 KB bundle that needs neither (see graphBuildMain.ts)
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle beside this one
  require('./cliGraphBuild.js');
} else {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the cache is on, from the bundles beside this one */
  if (command === 'graph') {
    enableCompileCache(); // V8's flags are set when the store opens (engine.ts)
    (require('./cliGraph.js') as typeof import('./graphMain')).runGraphCli(process.argv.slice(2));
  } else {
    prepareEngine(command, sub);
    require('./cliMain.js');
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}
