// The Continuum CLI: the same core, driven from a terminal.
//   continuum status --store DIR      tasks, sessions and the store's health
//   continuum export --store DIR [--out FILE]
import { promises as fsp } from 'fs';
import { openContinuum, type Continuum } from '../core/continuum';
import { exportState } from '../core/state/stateFile';
import { nodeFileSystem } from '../node/fileSystem';
import { nodeLock } from '../node/lock';
import { currentOwner } from '../node/lockOwner';

const usage = `usage: continuum <command> --store DIR
commands:
  status            tasks, sessions and the store's health
  export [--out F]  the whole state as JSON (to F, or to standard output)`;

interface Args {
  command?: string;
  store?: string;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { command: argv.find(a => !a.startsWith('-')) };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--store') args.store = argv[++i];
    if (argv[i] === '--out') args.out = argv[++i];
  }
  return args;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args.command || argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return args.command ? 0 : 2;
  }
  if (!['status', 'export'].includes(args.command)) {
    console.error(`continuum: unknown command '${args.command}'\n${usage}`);
    return 2;
  }
  if (!args.store) {
    console.error('continuum: say which store with --store DIR (in VS Code: the folder named in the Continuum output channel).');
    return 2;
  }
  const core = await openContinuum({ folder: args.store, fs: nodeFileSystem, lock: nodeLock(), owner: currentOwner('continuum CLI') });
  const stop = async () => {
    await core.close();
    process.exit(130);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  try {
    if (args.command === 'status') printStatus(core);
    else {
      const json = JSON.stringify(exportState(core.store, Date.now()), null, 1);
      if (args.out) await fsp.writeFile(args.out, json);
      else process.stdout.write(`${json}\n`);
    }
    return 0;
  } finally {
    await core.close();
  }
}

function printStatus(core: Continuum): void {
  const health = core.store.health();
  const stats = core.tasks.statistics();
  console.log(`store: ${core.store.folder}${health.readOnly ? ` (read-only: ${health.readOnlyReason})` : ''}`);
  for (const line of health.recovery) console.log(`recovered: ${line}`);
  console.log(`tasks: ${stats.total} (${Object.entries(stats.counts).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}), ${stats.completionPercent}% complete`);
  const next = core.tasks.nextTask();
  if (next) console.log(`next: ${next.title}`);
  for (const s of core.sessions.list()) console.log(`session ${s.name}: ${s.status} — ${core.sessions.describeResume(s.id)}`);
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, err => {
  console.error(`continuum: ${(err as Error).message}`);
  process.exitCode = 1;
});
