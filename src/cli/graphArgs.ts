// The graph commands the graph's own bundles run (dist/cliGraphBuild.js, dist/cliGraph.js) without the whole CLI.

/** `graph SUB [OPERANDS] --store DIR` as the graph's bundles run it, or undefined for what the whole CLI should answer. */
export function parseGraphArgs(argv: readonly string[]): { operands: string[]; store: string } | undefined {
  const words: string[] = [];
  let store: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--store' && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) store = argv[++i];
    else if (argv[i].startsWith('-')) return undefined;
    else words.push(argv[i]);
  }
  const [command, ...operands] = words;
  if (command !== 'graph' || !['build', 'stats', 'affected'].includes(operands[0] ?? '') || store === undefined)
    return undefined;
  return { operands, store };
}
