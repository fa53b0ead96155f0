// continuum_context: the project's context (notes, decisions, completion) to read, and a note or
// decision to add as a new version whose author is the agent.
import { z } from 'zod/v4';
import { clip, requireTrusted } from './common';
import { AgentToolError, type AgentTool } from './tool';

const contextInput = z
  .object({
    action: z.enum(['read', 'add']).default('read'),
    kind: z.enum(['note', 'decision']).optional().describe('with add (default note)'),
    title: z.string().min(1).max(200).optional(),
    body: z.string().min(1).max(20_000).optional(),
    tags: z.array(z.string().min(1).max(50)).max(10).optional(),
  })
  .strict();

export interface ContextAnswer {
  version?: number;
  completion?: { summary?: string; percent?: number };
  notes?: Array<{ id: string; title: string; tags: string[]; body: string }>;
  notesTotal?: number;
  added?: { id: string; version: number };
  message: string;
}

export const contextTool: AgentTool<typeof contextInput, ContextAnswer> = {
  name: 'continuum_context',
  title: 'Project context',
  description:
    "Reads the project's notes and decisions (newest first), or adds one (action add, kind note|decision, title, body) as a new version authored by you.",
  input: contextInput,
  readOnly: false,
  readsOnly: input => input.action === 'read',
  destructive: false,
  lean: true,
  async run(ctx, input) {
    const { core } = ctx;
    if (input.action === 'add') {
      if (!input.title || !input.body) throw new AgentToolError("Adding needs 'title' and 'body'.");
      requireTrusted(ctx, 'add to the project context');
      const kind = input.kind ?? 'note';
      const tags = [...new Set([kind, ...(input.tags ?? []), `by ${clip(ctx.agent.name, 40, true)}`])];
      const added = await core.context.addNote({ title: input.title, body: input.body, tags }, 'agent');
      const message = `Added the ${kind} '${clip(input.title, 80, true)}' as context version ${added.version}.`;
      return { structured: { added, version: added.version, message }, summary: message };
    }
    const current = core.context.current();
    if (!current)
      return {
        structured: { notes: [], notesTotal: 0, message: 'The project context is empty: no notes or decisions yet.' },
        summary: 'The project context is empty: no notes or decisions yet.',
      };
    const all = current.context.notes;
    const notes = all
      .slice(-20)
      .reverse()
      .map(n => ({ id: n.id, title: n.title, tags: n.tags ?? [], body: clip(n.body, 1000) }));
    const c = current.context.completion;
    const message = `Context version ${current.version}: ${all.length} note(s)${c.percent !== undefined ? `, ${c.percent}% complete` : ''}.`;
    const text = notes
      .map(n => `- ${n.title}${n.tags.length ? ` [${n.tags.join(', ')}]` : ''}: ${clip(n.body, 300, true)}`)
      .join('\n');
    return {
      structured: { version: current.version, completion: c, notes, notesTotal: all.length, message },
      summary: notes.length ? `${message}\n${text}` : message,
    };
  },
};
