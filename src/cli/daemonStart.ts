// Starting the daemon (daemon.ts) once a `graph build` has built alone: it takes the store as this
// process lets go of it, so the next build asks it. Off with CONTINUUM_DAEMON=off, and on CI unless
// CONTINUUM_DAEMON=on (a job that builds once would leave a process behind for nothing).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { daemonLogFile, daemonStartingFile } from './daemonFiles';

/** How long the daemon stays without a call, unless CONTINUUM_DAEMON_IDLE_MINUTES says. */
export const defaultIdleMinutes = 15;

const offWords = new Set(['off', '0', 'false', 'no']);

/** Whether a `graph build` that built alone leaves a daemon holding the store. */
export function daemonWanted(env: NodeJS.ProcessEnv): boolean {
  const said = env.CONTINUUM_DAEMON?.trim().toLowerCase();
  if (said) return !offWords.has(said);
  const ci = env.CI?.trim().toLowerCase();
  return !ci || offWords.has(ci);
}

/**
 * Starts `continuum daemon` for `store` in the background (its own process group, its output in
 * daemon.log) and says so on standard error; the pid, or undefined when it could not start.
 * `cliJs`: the CLI's entry (dist/cli.js).
 */
export function startDaemon(store: string, cliJs: string): number | undefined {
  let log: number;
  try {
    log = fs.openSync(path.join(store, daemonLogFile), 'w');
  } catch (err) {
    console.error(`continuum: the daemon was not started (its log: ${(err as Error).message})`);
    return undefined;
  }
  try {
    const child = spawn(process.execPath, [cliJs, 'daemon', '--store', store], {
      detached: true,
      stdio: ['ignore', log, log],
      windowsHide: true,
    });
    child.once('error', err => console.error(`continuum: the daemon did not start: ${err.message}`));
    child.unref();
    if (child.pid === undefined) return undefined;
    fs.writeFileSync(path.join(store, daemonStartingFile), JSON.stringify({ pid: child.pid, at: Date.now() }));
    console.error(
      `continuum: Continuum's daemon (pid ${child.pid}) keeps the store open so that the next build is quick; ` +
        `it ends after ${idleMinutesOf(process.env)} min without one (\`continuum daemon stop --store ${store}\` ends it now, ` +
        'CONTINUUM_DAEMON=off starts none)',
    );
    return child.pid;
  } finally {
    fs.closeSync(log);
  }
}

/** CONTINUUM_DAEMON_IDLE_MINUTES when it is a number above 0, else the default. */
export function idleMinutesOf(env: NodeJS.ProcessEnv): number {
  const said = Number(env.CONTINUUM_DAEMON_IDLE_MINUTES);
  return said > 0 ? said : defaultIdleMinutes;
}
