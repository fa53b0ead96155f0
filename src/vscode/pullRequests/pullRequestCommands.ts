// Continuum: Create Pull Request — for the session given (an id), else the one running, else the
// user picks among the sessions with completed tasks (newest first).
import type { Continuum } from '../../core/continuum';
import type { Session } from '../../core/sessions/model';
import { inert } from '../../shared/text';
import type { CommandContext, Handler } from '../commands/context';
import { outputLogger } from '../logger';
import { vscodeGitHubSignIn } from './githubSignIn';
import { createPullRequest, PullRequestCancelled, type PullRequestDeps } from './pullRequestFlow';

/** The flow's dependencies in this window: VS Code's GitHub sign-in and the log. */
export function pullRequestDeps(ctx: Pick<CommandContext, 'prompts' | 'output'>): PullRequestDeps {
  return { prompts: ctx.prompts, signIn: vscodeGitHubSignIn, logger: outputLogger(ctx.output) };
}

async function pickSession(ctx: CommandContext, core: Continuum, arg: unknown): Promise<Session | undefined> {
  if (typeof arg === 'string') {
    const session = core.sessions.get(arg);
    if (!session) throw new Error(`No session has the id '${arg}'.`);
    return session;
  }
  const withWork = core.sessions.list().filter(s => s.taskIds.some(id => core.tasks.get(id)?.status === 'done'));
  if (!withWork.length) {
    void ctx
      .prompts()
      .notify(
        'info',
        'No session has completed tasks yet, so there is nothing for a pull request. Run a session first ("Continuum: Start Session").',
      );
    return undefined;
  }
  const ordered = [...withWork.filter(s => s.status === 'running'), ...withWork.filter(s => s.status !== 'running')];
  if (ordered.length === 1) return ordered[0];
  return ctx.prompts().pick(
    ordered.map(s => {
      const p = core.sessions.progress(s.id);
      return { label: inert(s.name, 80), description: `${s.status} · ${p.completed}/${p.total} done`, value: s };
    }),
    { placeHolder: 'Which session should become a pull request?' },
  );
}

const createPullRequestCommand: Handler = async (ctx, core, arg) => {
  const session = await pickSession(ctx, core, arg);
  if (!session) return undefined;
  try {
    return await createPullRequest(pullRequestDeps(ctx), core, session, true);
  } catch (err) {
    if (!(err instanceof PullRequestCancelled)) throw err;
    void ctx.prompts().notify('info', `Continuum: ${err.message}`);
    return undefined;
  }
};

export const pullRequestCommands: Record<string, Handler> = {
  'continuum.createPullRequest': createPullRequestCommand,
};
