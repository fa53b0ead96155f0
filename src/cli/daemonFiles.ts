// What Continuum's daemon (daemon.ts) leaves in its store folder, and how it names itself there:
// shared by the daemon, the build that starts it (daemonStart.ts) and the commands that find it
// (daemonAside.ts), without any of them loading the others.

/** How the daemon names itself as the store lock's owner. */
export const daemonOwner = "Continuum's daemon (`continuum daemon stop` ends it)";

/** The daemon's log: what it did last (each start begins it anew). */
export const daemonLogFile = 'daemon.log';

/**
 * Written when a build starts the daemon, removed by the daemon once it serves (or gives up): until
 * then a build that finds nobody serving waits for it, rather than take the store before it (a hook
 * that runs twice in a row; `git rebase` runs post-commit for each commit).
 */
export const daemonStartingFile = 'daemon.starting';
