// The Continuum CLI: the same core, driven from a terminal.
const usage = 'usage: continuum <status|export> [--store DIR]';

function main(argv: string[]): number {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(usage);
    return command ? 0 : 2;
  }
  console.error(`continuum: unknown command '${command}'\n${usage}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
