// The CLI's entry (dist/cli.js): turns on Node's compile cache, then loads the CLI proper
// (dist/cliMain.js, bundled from main.ts). Compiling that 1.4 MB bundle is a quarter of the CLI's
// start-up; from the cache it is a fraction of that. Without a compile cache (Node before 22.1) the
// CLI starts the same, only slower.
import * as nodeModule from 'module';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the cache is on, from the bundle beside this one
require('./cliMain.js');
