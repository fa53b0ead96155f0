// continuum_known_errors: an error text looked up in error learning (its signature, how often it
// was seen, the fixes tried and how often they worked), or a fix's outcome recorded.
import { z } from 'zod/v4';
import { ErrorLearning, type Fix } from '../execution/guards/learning';
import { describeFix, signatureOf, type FixLine } from './briefing';
import { clip, requireTask, requireTrusted } from './common';
import { AgentToolError, type AgentTool } from './tool';

const knownErrorsInput = z
  .object({
    action: z.enum(['lookup', 'record']).default('lookup'),
    error: z.string().min(1).max(20_000).optional().describe('the error text (or give signature)'),
    signature: z.string().min(1).max(300).optional(),
    fixCommand: z.string().min(1).max(2_000).optional().describe('record: the command that was tried'),
    fixTaskId: z.string().min(1).max(200).optional().describe('record: or the task that fixed it'),
    worked: z.boolean().optional().describe('record: whether the fix worked'),
  })
  .strict();

export interface KnownErrorsAnswer {
  signature: string;
  known: boolean;
  occurrences: number;
  lastSeen?: number;
  fixes: FixLine[];
  message: string;
}

export const knownErrorsTool: AgentTool<typeof knownErrorsInput, KnownErrorsAnswer> = {
  name: 'continuum_known_errors',
  title: 'Known errors',
  description:
    'Looks up an error (its normalised signature: times seen, fixes tried and how often they worked), or records whether a fix worked (action record, fixCommand or fixTaskId, worked).',
  input: knownErrorsInput,
  readOnly: false,
  readsOnly: input => input.action === 'lookup',
  destructive: false,
  lean: true,
  async run(ctx, input) {
    const signature = input.signature ?? (input.error !== undefined ? signatureOf(input.error) : undefined);
    if (signature === undefined) throw new AgentToolError("Give the error text in 'error' (or its 'signature').");
    const learning = new ErrorLearning(ctx.core.store, ctx.core.clock);
    if (input.action === 'record') {
      if (input.worked === undefined)
        throw new AgentToolError("Say whether the fix worked: field 'worked' (true or false).");
      if ((input.fixCommand === undefined) === (input.fixTaskId === undefined))
        throw new AgentToolError("Name the fix: either 'fixCommand' or 'fixTaskId'.");
      requireTrusted(ctx, 'record a fix');
      const fix: Fix =
        input.fixCommand !== undefined
          ? { kind: 'command', command: input.fixCommand, args: [] }
          : { kind: 'task', taskId: input.fixTaskId!, title: requireTask(ctx, input.fixTaskId!).title };
      await ctx.core.store.write(w => {
        // a fix for an error nobody recorded yet: the error is remembered with it
        if (!learning.known(signature))
          learning.recordOccurrence(w, { signature, message: input.error ?? signature, errorClass: 'deterministic' });
        learning.recordFixOutcome(w, signature, fix, input.worked!);
      }, 'agent');
    }
    const known = learning.known(signature);
    const fixes = learning
      .fixesFor(signature)
      .slice(0, 10)
      .map(f => ({ fix: describeFix(f.fix), successRate: f.successRate, tries: f.tries }));
    const fixText = fixes
      .map(f => `- ${f.fix}: worked ${Math.round(f.successRate * 100)}% over ${f.tries} tries`)
      .join('\n');
    const message =
      input.action === 'record'
        ? `Recorded that the fix ${input.worked ? 'worked' : 'did not work'} for this error.`
        : known
          ? `Seen ${known.occurrences} time(s), last ${new Date(known.lastSeen).toISOString()}; ${fixes.length ? `${fixes.length} fix(es) known` : 'no fix known yet'}.`
          : 'This error has not been seen before; no fix is known.';
    return {
      structured: {
        signature,
        known: !!known,
        occurrences: known?.occurrences ?? 0,
        ...(known ? { lastSeen: known.lastSeen } : {}),
        fixes,
        message,
      },
      summary: `${message}\nSignature: ${clip(signature, 300)}${fixText ? `\n${fixText}` : ''}`,
    };
  },
};
