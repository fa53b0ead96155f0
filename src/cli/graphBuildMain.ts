// `continuum graph build` (dist/cliGraphBuild.js, which dist/cli.js loads for it): first asks the
// store's holder to build, with nothing loaded but the endpoint's client; only when nobody holds the
// store does it load the graph's own CLI (dist/cliGraph.js), which opens the store and builds here.
// An agent's hook or a person at a terminal, while a VS Code window or an agent's MCP server holds
// the store, then waits for Node's start, the client and the holder's build, not for the store and
// the graph's code to load as well (which had this process start its request 45 ms after Node did,
// against 31–35 now).
import { prepareEngine } from './engine';
import { exit } from './exit';
import { graphTimes } from './graph';
import { parseGraphArgs } from './graphArgs';
import { builtByHolder } from './graphThroughHolder';
import { forTerminal } from './terminalText';

const args = parseGraphArgs(process.argv.slice(2));
const otherwise = () => {
  prepareEngine('graph', args?.operands[0]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the graph's own CLI, bundled beside this one
  require('./cliGraph.js');
};
if (args?.operands[0] !== 'build') otherwise();
else {
  const times = graphTimes();
  times?.('the CLI started');
  builtByHolder(args.store, args.operands.slice(1), times).then(
    built => (built ? exit(0) : otherwise()),
    (err: unknown) => {
      console.error(`continuum: ${forTerminal((err as Error).message)}`);
      exit(1);
    },
  );
}
