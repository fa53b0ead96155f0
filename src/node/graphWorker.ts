// The knowledge graph worker's entry (dist/graphWorker.js): turns on Node's compile cache, then loads
// the worker proper (dist/graphWorkerMain.js, which requires TypeScript's 9 MB dist/typescript.js
// beside it). Compiling TypeScript costs about half a second on every start; from the cache (in the
// system's temporary folder, checked against the file's content) it costs a tenth of that. Without a
// compile cache (Node before 22.1) the worker starts the same, only slower.
import * as nodeModule from 'module';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the cache is on, from the bundle beside this one
require('./graphWorkerMain.js');
