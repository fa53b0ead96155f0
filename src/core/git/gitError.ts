// What a failed git call means to the person using Continuum: one sentence saying what failed and
// what to do next, with git's own words after it (never git's stderr alone). Views show this text.
import { GitSnapshotError } from './gitRunner';

/** Known git complaints, in order: what they mean and what to do. */
const known: ReadonlyArray<{ pattern: RegExp; meaning: string; todo: string }> = [
  {
    pattern: /index\.lock|another git process/i,
    meaning: "another git process holds the repository's lock",
    todo: 'wait for it to finish (or remove a stale .git/index.lock), then try again',
  },
  { pattern: /no space left on device|ENOSPC/i, meaning: 'the disk is full', todo: 'free some space, then try again' },
  {
    pattern: /permission denied|EACCES|EPERM/i,
    meaning: 'a file or folder could not be read or written (permission denied)',
    todo: "check the permissions of the workspace and of Continuum's store folder, then try again",
  },
  {
    pattern: /does not have a commit checked out/i,
    meaning: 'a nested git repository has no commit yet',
    todo: 'commit once in that repository, or delete its .git folder, then try again',
  },
  {
    pattern: /not a valid object name|bad object|missing (blob|tree|commit)|unable to read|Not a valid object/i,
    meaning: "a snapshot's objects are missing from the repository (pruned, or the repository was replaced)",
    todo: 'pick another checkpoint; this one can only restore its task state',
  },
  {
    pattern: /not a git repository/i,
    meaning: 'the folder is not (or no longer) a git repository',
    todo: 'reopen the workspace folder, or run "git init" in it',
  },
  {
    pattern: /spawn git ENOENT|Check that git is installed/i,
    meaning: 'git could not be started',
    todo: 'install git and make sure it is on the PATH, then reload the window',
  },
];

/**
 * A sentence for the person: "Continuum could not <doing>: <meaning>. <Todo>." followed by git's
 * first lines. Errors that are not git's (or were already written for people) keep their message.
 */
export function gitErrorMessage(err: unknown, doing = 'finish a git step'): string {
  if (!(err instanceof GitSnapshotError) || !err.git) return err instanceof Error ? err.message : String(err);
  const said = err.git.said.trim();
  const match = known.find(k => k.pattern.test(said));
  const head = match
    ? `Continuum could not ${doing}: ${match.meaning}. ${capital(match.todo)}.`
    : `Continuum could not ${doing}: git ${err.git.command} failed. See the Continuum log for details and try again; if it keeps failing, please report it with git's words below.`;
  const words = said.split('\n').filter(Boolean).slice(0, 3).join(' / ').slice(0, 400);
  return words ? `${head} (git said: ${words})` : head;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `work`, with a git failure turned into an Error whose message is `gitErrorMessage` (the original as its cause). */
export async function explainGitFailure<T>(work: Promise<T>, doing: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof GitSnapshotError && err.git) throw new Error(gitErrorMessage(err, doing), { cause: err });
    throw err;
  }
}
