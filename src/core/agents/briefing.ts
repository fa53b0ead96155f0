// Where the work stands, for an agent starting or resuming (after a /clear, a crash or a summary):
// the project's context, the session and where it continues, the tasks this agent holds, what is
// ready next, recent failures with the fixes known for them, the last checkpoint. `briefingOf`
// reads the core; `briefingMarkdown` renders it (the CLI's `continuum briefing`, the chat participant).
import { z } from 'zod/v4';
import type { Continuum } from '../continuum';
import { ErrorLearning, type Fix } from '../execution/guards/learning';
import { errorLine, errorSignature } from '../execution/guards/signature';
import type { TaskStatus } from '../tasks/model';
import { latestCheckpoint } from '../sessions/sessionRecords';
import { recentlyFailedTasks } from '../tasks/taskRecords';
import { clip, isoTime, taskLine, type TaskLine } from './common';
import { mdBlock, mdText } from './markdown';
import type { AgentIdentity, AgentTool } from './tool';

export type BriefingDetail = 'concise' | 'detailed';

export interface FixLine {
  /** What the fix is, in words: a command line, or "task 'Install deps'". */
  fix: string;
  /** 0–1, recent outcomes weighing more. */
  successRate: number;
  tries: number;
}

export interface Briefing {
  detail: BriefingDetail;
  at: number;
  agent?: { id: string; name: string };
  project: {
    contextVersion?: number;
    completion?: { summary?: string; percent?: number };
    /** The newest notes and decisions (bodies clipped). */
    notes: Array<{ id: string; title: string; tags: string[]; body: string }>;
    notesTotal: number;
  };
  tasks: { total: number; counts: Record<TaskStatus, number>; completionPercent: number };
  /** The running session, else the one to resume (paused or interrupted). */
  session?: { id: string; name: string; status: string; continues: string };
  /** Tasks this agent holds, with their lease (without an agent: the tasks every agent holds, and who). */
  held: Array<TaskLine & { leaseUntil: number; heldBy: string }>;
  /** The next ready tasks, in the order they are taken. */
  ready: TaskLine[];
  /** Tasks whose agent's lease ended: free to be claimed again. */
  leaseEnded: TaskLine[];
  failures: Array<{ task: TaskLine; error: string; signature: string; fixes: FixLine[] }>;
  lastCheckpoint?: {
    id: string;
    createdAt: number;
    trigger: string;
    note: string;
    tasksDone: number;
    taskCount: number;
  };
  /** What to do next, in one sentence. */
  advice: string;
}

const sizes = {
  concise: { notes: 5, noteBody: 200, ready: 5, failures: 3, error: 300 },
  detailed: { notes: 20, noteBody: 2000, ready: 15, failures: 10, error: 2000 },
} as const;

export function describeFix(fix: Fix): string {
  return fix.kind === 'command' ? [fix.command, ...fix.args].join(' ') : `task '${fix.title}'`;
}

/** The signature error learning files an error text under (as the executor's guards compute it). */
export function signatureOf(text: string): string {
  return errorSignature(errorLine(text) || text);
}

export function briefingOf(
  core: Continuum,
  agent: AgentIdentity | undefined,
  detail: BriefingDetail = 'concise',
): Briefing {
  const n = sizes[detail];
  const now = core.clock.now();
  const context = core.context.current();
  const allNotes = context?.context.notes ?? [];
  const notes = allNotes
    .slice(-n.notes)
    .reverse()
    .map(note => ({ id: note.id, title: note.title, tags: note.tags ?? [], body: clip(note.body, n.noteBody) }));
  const completion = context?.context.completion;
  const stats = core.tasks.statistics();

  const running = core.sessions.list().find(s => s.status === 'running');
  const sessionOf = running ?? core.sessions.resumePoint();
  const session = sessionOf && {
    id: sessionOf.id,
    name: sessionOf.name,
    status: sessionOf.status,
    continues: core.sessions.describeResume(sessionOf.id),
  };

  const held = core.tasks
    .claimedBy(agent?.id)
    .map(t => ({ ...taskLine(t), leaseUntil: t.claim.leaseUntil, heldBy: t.claim.agentName }));
  const ready = core.tasks.readyTasks(n.ready).map(taskLine);
  const leaseEnded = core.tasks.expiredClaims().slice(0, n.ready).map(taskLine);

  const learning = new ErrorLearning(core.store, core.clock);
  const failures = recentlyFailedTasks(core.store, n.failures).map(task => {
    const error = task.error ?? '';
    const signature = signatureOf(error);
    const fixes = error
      ? learning
          .fixesFor(signature)
          .slice(0, 3)
          .map(f => ({ fix: describeFix(f.fix), successRate: f.successRate, tries: f.tries }))
      : [];
    return { task: taskLine(task), error: clip(errorLine(error) || error, n.error), signature, fixes };
  });

  const cp = latestCheckpoint(core.store);
  const lastCheckpoint = cp && {
    id: cp.id,
    createdAt: cp.created_at,
    trigger: cp.trigger,
    note: clip(cp.note, n.noteBody),
    tasksDone: cp.tasks_done,
    taskCount: cp.task_count,
  };

  return {
    detail,
    at: now,
    ...(agent ? { agent: { id: agent.id, name: agent.name } } : {}),
    project: {
      ...(context ? { contextVersion: context.version } : {}),
      ...(completion && (completion.summary !== undefined || completion.percent !== undefined)
        ? {
            completion: {
              ...(completion.summary !== undefined ? { summary: clip(completion.summary, n.noteBody) } : {}),
              ...(completion.percent !== undefined ? { percent: completion.percent } : {}),
            },
          }
        : {}),
      notes,
      notesTotal: allNotes.length,
    },
    tasks: { total: stats.total, counts: stats.counts, completionPercent: stats.completionPercent },
    ...(session ? { session } : {}),
    held,
    ready,
    leaseEnded,
    failures,
    ...(lastCheckpoint ? { lastCheckpoint } : {}),
    advice: adviceFor(agent ? held.length : 0, ready.length + leaseEnded.length, stats.total),
  };
}

function adviceFor(held: number, ready: number, total: number): string {
  if (held)
    return 'Continue with the task you hold; report progress with continuum_update_task and mark it done when its verify passes.';
  if (ready) return 'Call continuum_next_task to claim the next ready task.';
  if (!total) return 'There are no tasks yet: add them with continuum_add_tasks (a list, or a markdown plan).';
  return 'Nothing is ready now: the remaining tasks wait for dependencies, a person, or are finished.';
}

const taskText = (t: TaskLine) =>
  `${mdText(t.title)} (id ${mdText(t.id)}) · ${t.priority} · ${t.kind}${t.progress ? ` · ${t.progress}%` : ''}`;

/** The briefing as markdown: every stored string inert (escaped, or in a fenced block). */
export function briefingMarkdown(b: Briefing): string {
  const out: string[] = [
    `# Continuum briefing`,
    `${b.agent ? `For ${mdText(b.agent.name)} · ` : ''}${isoTime(b.at)}`,
    '',
  ];
  out.push('## Project');
  const p = b.project;
  const done = `${b.tasks.counts.done} of ${b.tasks.total} tasks done (${b.tasks.completionPercent}%)`;
  out.push(
    p.contextVersion !== undefined
      ? `Context version ${p.contextVersion} · ${done}`
      : `No project context saved yet · ${done}`,
  );
  if (p.completion?.summary || p.completion?.percent !== undefined)
    out.push(
      `Completion: ${p.completion.percent !== undefined ? `${p.completion.percent}% ` : ''}${mdText(p.completion.summary ?? '')}`.trimEnd(),
    );
  if (p.notes.length) {
    out.push(
      '',
      `Notes and decisions (newest first${p.notesTotal > p.notes.length ? `, ${p.notes.length} of ${p.notesTotal}` : ''}):`,
    );
    for (const note of p.notes) {
      const tags = note.tags.length ? ` [${note.tags.map(tag => mdText(tag)).join(', ')}]` : '';
      if (b.detail === 'detailed') out.push(`- **${mdText(note.title)}**${tags}`, '', mdBlock(note.body), '');
      else out.push(`- **${mdText(note.title)}**${tags}: ${mdText(note.body)}`);
    }
  }
  out.push('', '## Session');
  out.push(
    b.session
      ? `${mdText(b.session.name)} (${b.session.status}): ${mdText(b.session.continues)}`
      : 'No session is running or waiting to be resumed.',
  );
  out.push('', b.agent ? '## Your tasks' : '## Tasks agents hold');
  if (b.held.length)
    for (const t of b.held)
      out.push(
        `- ${taskText(t)} · ${t.status}${b.agent ? '' : ` · held by ${mdText(t.heldBy)}`} · lease until ${isoTime(t.leaseUntil)}`,
      );
  else out.push(b.agent ? 'You hold no task.' : 'No agent holds a task.');
  out.push('', '## Ready next');
  if (b.ready.length) b.ready.forEach((t, i) => out.push(`${i + 1}. ${taskText(t)}`));
  else out.push('Nothing is ready.');
  if (b.leaseEnded.length) {
    out.push('', 'Free again (their agent stopped renewing the lease):');
    for (const t of b.leaseEnded) out.push(`- ${taskText(t)}`);
  }
  if (b.failures.length) {
    out.push('', '## Recent failures');
    for (const f of b.failures) {
      out.push(`- ${mdText(f.task.title)} (id ${mdText(f.task.id)}): ${mdText(f.error) || 'no error recorded'}`);
      for (const fix of f.fixes)
        out.push(
          `  - known fix: ${mdText(fix.fix)} (worked ${Math.round(fix.successRate * 100)}% over ${fix.tries} tries)`,
        );
    }
  }
  out.push('', '## Last checkpoint');
  const c = b.lastCheckpoint;
  out.push(
    c
      ? `${isoTime(c.createdAt)} · ${c.trigger} · ${c.tasksDone} of ${c.taskCount} tasks done${c.note ? ` · ${mdText(c.note)}` : ''} (id ${mdText(c.id)})`
      : 'None yet.',
  );
  out.push('', `**Next:** ${b.advice}`);
  return `${out.join('\n')}\n`;
}

/** One short line for the tool's text answer. */
export function briefingSummary(b: Briefing): string {
  const parts = [
    `${b.tasks.counts.done}/${b.tasks.total} tasks done`,
    b.held.length ? `you hold ${b.held.length}` : undefined,
    `${b.ready.length + b.leaseEnded.length} ready`,
    b.failures.length ? `${b.failures.length} recent failure(s)` : undefined,
    b.session ? `session '${clip(b.session.name, 60, true)}' ${b.session.status}` : undefined,
  ].filter(Boolean);
  return `${parts.join(', ')}. ${b.advice}`;
}

const briefingInput = z
  .object({ detail: z.enum(['concise', 'detailed']).default('concise').describe('concise (default) or detailed') })
  .strict();

/** Its text answer is the whole briefing as markdown: that is what a model reads. */
export const briefingTool: AgentTool<typeof briefingInput, Briefing> = {
  name: 'continuum_briefing',
  title: 'Briefing',
  description:
    'Where the work stands: project notes and decisions, the session, your claimed tasks, ready tasks, recent failures with known fixes, the last checkpoint. Call first when starting or resuming.',
  input: briefingInput,
  readOnly: true,
  destructive: false,
  lean: true,
  run(ctx, input) {
    const b = briefingOf(ctx.core, ctx.agent, input.detail);
    return Promise.resolve({ structured: b, summary: briefingMarkdown(b) });
  },
};
