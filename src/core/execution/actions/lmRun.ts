// `lm`: a language model does the task with tools (read, list and search files, edit a file, run a
// command), turn by turn, until it says it is done and the task's verify command passes.
//
// Continuity: every model request is a recorded step whose response is kept (and on disk before a
// tool acts on it), every tool call a step with its own key. A resume replays the recorded answers
// instead of asking the model again, skips the tool calls that completed, applies an edit at most
// once (edits.ts: the hashes before and after are recorded before the write), and never runs again
// a command cut off by an interruption unless the task says its commands are re-runnable.
import { z } from 'zod';
import { applyDecision, planEdit, type EditPlan } from '../../lm/edits';
import { ToolRefused, listFilesTool, readFileTool, searchFilesTool, workspacePath } from '../../lm/files';
import type { LmHost } from '../../lm/host';
import { ModelError, type ChatMessage, type ModelRequest, type ModelResponse, type ToolCall } from '../../lm/model';
import { lmTools } from '../../lm/tools';
import type { Task, TaskAction } from '../../tasks/model';
import type { Classification } from '../classify';
import { commandSpec, describeCommand, realWorkspaceCwd } from '../commandLine';
import { pause } from '../pause';
import { ActionFailure, type ActionContext } from './action';
import { signalReason } from './process';

type LmAction = Extract<TaskAction, { kind: 'lm' }>;

/** A model's failure, classified by what the provider said (a rate limit passes; a refused key does not). */
export class ModelFailure extends ActionFailure {
  override readonly classification: Classification;
  /** The model's own failure (its request failed), not the task's limits: counts for the model's circuit. */
  readonly countsForModel: boolean;
  /** The provider's Retry-After: the executor's next try waits at least this long. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    transient: boolean,
    reason: string,
    source: { request?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message, { phase: 'run', output: message });
    this.classification = { kind: transient ? 'transient' : 'deterministic', reason };
    this.countsForModel = source.request === true;
    if (source.retryAfterMs !== undefined) this.retryAfterMs = source.retryAfterMs;
  }
}

/** Waits for a rate limit's Retry-After inside the step this long at most, then leaves it to the executor's retries. */
const longestWaitMs = 60_000;
const rateLimitWaits = 3;
const outputTail = 8_000;

export const systemPrompt = [
  'You are doing one task in a software project, unattended, through tools. Paths are relative to the workspace folder.',
  'Read before you change; change files only with edit_file; run commands with run_command.',
  'When the task is complete, answer without calling a tool and say briefly what you did. If the task has a verify command, it runs then, and its output comes back to you when it fails.',
].join(' ');

/** What the model is asked to do: the task's title, description and acceptance notes, and how it is checked. */
export function instructions(task: Pick<Task, 'title' | 'description'>, action: LmAction): string {
  const parts = [`Task: ${task.title}`];
  if (task.description.trim()) parts.push(task.description.trim());
  if (action.acceptance?.trim()) parts.push(`Done when:\n${action.acceptance.trim()}`);
  if (action.verify?.trim()) parts.push(`When you say you are done, this command must pass: ${action.verify.trim()}`);
  return parts.join('\n\n');
}

const inputs = {
  read_file: z.object({
    path: z.string(),
    startLine: z.number().int().min(1).optional(),
    endLine: z.number().int().min(1).optional(),
  }),
  list_files: z.object({ path: z.string().optional(), recursive: z.boolean().optional() }),
  search_files: z.object({ pattern: z.string().min(1).max(1000), path: z.string().optional() }),
  edit_file: z.object({ path: z.string().min(1), oldText: z.string().optional(), newText: z.string() }),
  run_command: z.object({ command: z.string().min(1).max(10_000), cwd: z.string().optional() }),
};

interface ToolResult {
  content: string;
  isError?: boolean;
}

interface VerifyResult {
  passed: boolean;
  summary: string;
  tail: string;
}

export class LmRun {
  private readonly limits: { turns: number; tokens: number; wallMs: number };
  private tokens = 0;

  constructor(
    private readonly action: LmAction,
    private readonly ctx: ActionContext,
    private readonly lm: LmHost,
  ) {
    this.limits = {
      turns: action.maxTurns ?? lm.limits.turns,
      tokens: action.maxTokens ?? lm.limits.tokens,
      wallMs: action.maxWallMs ?? lm.limits.wallMs,
    };
  }

  async run(): Promise<string> {
    const { ctx, action, limits } = this;
    // when the task's first model request went out, across resumes: the wall-time limit counts from it
    const began =
      (await ctx.step('began', async () => Date.now(), { durable: true, startsNoProcess: true })) ?? Date.now();
    const messages: ChatMessage[] = [{ role: 'user', content: instructions(ctx.task, action) }];
    let lastVerify: VerifyResult | undefined;
    for (let turn = 1; turn <= limits.turns; turn++) {
      if (Date.now() - began > limits.wallMs) {
        throw new ModelFailure(
          `The model worked on '${ctx.task.title}' for longer than its limit of ${Math.round(limits.wallMs / 60_000)} min without finishing.`,
          false,
          'its time limit ran out',
        );
      }
      const request: ModelRequest = { system: systemPrompt, messages: [...messages], tools: lmTools };
      const response = await ctx.step(`model ${turn}`, signal => this.ask(request, turn, signal), {
        durable: true,
        startsNoProcess: true,
      });
      if (!response)
        throw new ModelFailure(
          `The answer of model request ${turn} is not known.`,
          false,
          'a recorded answer is missing',
        );
      this.tokens += response.usage.inputTokens + response.usage.outputTokens;
      messages.push({
        role: 'assistant',
        content: response.text,
        ...(response.toolCalls.length ? { toolCalls: response.toolCalls } : {}),
      });
      if (this.tokens > limits.tokens) {
        throw new ModelFailure(
          `The model used ${this.tokens} tokens on '${ctx.task.title}', more than its limit of ${limits.tokens}, without finishing.`,
          false,
          'its token limit ran out',
        );
      }
      if (!response.toolCalls.length) {
        if (response.stop === 'max_tokens') {
          messages.push({
            role: 'user',
            content: 'Your answer was cut off at the output limit. Go on, in smaller steps.',
          });
          continue;
        }
        if (!action.verify?.trim()) return this.finished(turn, response.text);
        const verify = action.verify.trim();
        const verdict = await ctx.step(`verify ${turn}`, signal => this.verify(verify, signal), { rerunnable: true });
        if (!verdict || verdict.passed) return this.finished(turn, response.text);
        lastVerify = verdict;
        messages.push({
          role: 'user',
          content: `The verify command '${verify}' failed (${verdict.summary}). The end of its output:\n${verdict.tail}\nFix the cause, then say that you are done.`,
        });
        continue;
      }
      for (const [i, call] of response.toolCalls.entries()) {
        const result = await this.tool(call, `t${turn} call ${i + 1}`);
        messages.push({
          role: 'tool',
          toolCallId: call.id,
          name: call.name,
          content: result.content,
          ...(result.isError ? { isError: true } : {}),
        });
      }
    }
    if (lastVerify) {
      throw new ActionFailure(
        `The model used all ${limits.turns} turns on '${ctx.task.title}' and its verify command '${action.verify}' still fails (${lastVerify.summary}).`,
        { phase: 'verify', output: lastVerify.tail },
      );
    }
    throw new ModelFailure(
      `The model used all ${limits.turns} turns on '${ctx.task.title}' without saying it was done. Raise the task's maxTurns (or continuum.lm.maxTurns), or split the task.`,
      false,
      'its turn limit ran out',
    );
  }

  private finished(turn: number, text: string): string {
    const said = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
    return `the model finished in ${turn} turn${turn === 1 ? '' : 's'} (${this.tokens} tokens)${said ? `: ${said}` : ''}`;
  }

  /** One model request; a rate limit that names a short wait is waited out here, a few times. */
  private async ask(request: ModelRequest, turn: number, signal: AbortSignal): Promise<ModelResponse> {
    const { ctx, lm } = this;
    for (let waited = 0; ; waited++) {
      try {
        const response = await lm.model.send(request, signal);
        ctx.log(transcriptOfTurn(turn, lm.model.name, response));
        return response;
      } catch (err) {
        if (signal.aborted) {
          throw new ActionFailure(
            `The request to ${lm.model.name} was stopped (${signalReason(signal) ?? 'stopped'}).`,
            { phase: 'run', timedOut: signalReason(signal) === 'timeout' },
          );
        }
        if (!(err instanceof ModelError))
          throw new ModelFailure(
            `The request to ${lm.model.name} failed: ${err instanceof Error ? err.message : String(err)}`,
            false,
            'the model request failed',
            { request: true },
          );
        const failure = new ModelFailure(
          `The request to ${lm.model.name} failed (${err.kind}): ${err.message}`,
          err.transient,
          `the model ${err.kind === 'rate-limited' ? 'is rate-limited' : err.kind === 'auth' ? 'refused the credentials' : `reported '${err.kind}'`}`,
          { request: true, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) },
        );
        const wait = err.retryAfterMs ?? 1000 * 2 ** waited;
        if (err.kind === 'rate-limited' && waited < rateLimitWaits && wait <= longestWaitMs) {
          // a rate limit waited out here still counts against the error budget; the guards may say to stop
          if (ctx.failedTry?.(failure) === false) {
            ctx.log(`[model request ${turn} failed: ${err.message}; the guards say not to try again]\n`);
            throw failure;
          }
          ctx.log(
            `[${lm.model.name} is rate-limited; waiting ${Math.ceil(wait / 1000)} s${err.retryAfterMs !== undefined ? ' as it asked' : ''}, then asking again]\n`,
          );
          await pause(wait, signal);
          continue;
        }
        ctx.log(`[model request ${turn} failed: ${err.message}]\n`);
        throw failure;
      }
    }
  }

  private async tool(call: ToolCall, id: string): Promise<ToolResult> {
    const { ctx } = this;
    const schema = (inputs as Record<string, z.ZodType>)[call.name];
    if (!schema)
      return {
        content: `There is no tool '${call.name}'; the tools are ${lmTools.map(t => t.name).join(', ')}.`,
        isError: true,
      };
    const parsed = schema.safeParse(call.input);
    if (!parsed.success)
      return {
        content: `The input of ${call.name} is not valid: ${parsed.error.issues.map(i => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
        isError: true,
      };
    const files = this.lm.files;
    const ws = ctx.workspace;
    switch (call.name) {
      case 'read_file':
      case 'list_files':
      case 'search_files': {
        const name = call.name;
        const result = await ctx.step(
          `${id} ${name}`,
          () =>
            told(async () => {
              const input = parsed.data as never;
              const content =
                name === 'read_file'
                  ? await readFileTool(ws, files, input)
                  : name === 'list_files'
                    ? await listFilesTool(ws, files, input)
                    : await searchFilesTool(ws, files, input);
              ctx.log(`→ ${name} ${JSON.stringify(call.input).slice(0, 300)} (${content.split('\n').length} lines)\n`);
              return { content };
            }, ctx),
          { rerunnable: true, startsNoProcess: true },
        );
        return result ?? { content: 'Its result is not known.', isError: true };
      }
      case 'edit_file':
        return this.edit(parsed.data as z.infer<typeof inputs.edit_file>, id);
      case 'run_command':
        return this.command(parsed.data as z.infer<typeof inputs.run_command>, id);
      default:
        return { content: `There is no tool '${call.name}'.`, isError: true };
    }
  }

  private async edit(input: z.infer<typeof inputs.edit_file>, id: string): Promise<ToolResult> {
    const { ctx } = this;
    const files = this.lm.files;
    // the plan — hashes before and after, and the new text — is on disk before anything is written
    const plan = await ctx.step(
      `${id} edit plan`,
      () =>
        told<EditPlan>(async () => {
          const abs = await workspacePath(ctx.workspace, input.path, files, true);
          return planEdit(
            {
              path: input.path,
              ...(input.oldText !== undefined ? { oldText: input.oldText } : {}),
              newText: input.newText,
            },
            await files.readText(abs),
          );
        }, ctx),
      { durable: true, startsNoProcess: true },
    );
    if (!plan) return { content: 'Its result is not known.', isError: true };
    if ('content' in plan) return plan;
    const applied = await ctx.step(
      `${id} edit apply`,
      async () => {
        const abs = await workspacePath(ctx.workspace, plan.path, files, true);
        const decision = applyDecision(plan, await files.readText(abs));
        if (decision === 'changed-underneath') {
          ctx.log(`[edit of ${plan.path} not applied: the file changed underneath]\n`);
          throw new ActionFailure(
            `'${plan.path}' changed underneath the model's edit: it holds neither the text the edit was planned on nor the edit's result, so the edit was not applied. Look at the file, then Retry the task.`,
            { phase: 'run' },
          );
        }
        if (decision === 'write') await files.writeText(abs, plan.after);
        ctx.log(
          `→ edit_file ${plan.path}${decision === 'already-applied' ? ' (already applied before an interruption)' : ''}\n${plan.diff}`,
        );
        return decision;
      },
      { rerunnable: true, durable: true, startsNoProcess: true },
    );
    return {
      content: `Edited ${plan.path}${applied === 'already-applied' ? ' (it was applied before an interruption)' : ''}.`,
    };
  }

  private async command(input: z.infer<typeof inputs.run_command>, id: string): Promise<ToolResult> {
    const { ctx, action } = this;
    const line = input.command.trim();
    const allowed = line === action.verify?.trim() || (action.allowCommands ?? []).some(c => c.trim() === line);
    const approval = allowed
      ? { run: true as const }
      : await ctx.step(`${id} approve`, () => this.lm.approveCommand(ctx.task.title, line), { durable: true });
    if (!approval || !approval.run) {
      const why = approval && !approval.run ? approval.why : 'it was not approved';
      ctx.log(`→ run_command ${line}: not run (${why})\n`);
      return { content: `Not run: ${why}`, isError: true };
    }
    const result = await ctx.step(
      `${id} run_command`,
      signal =>
        told(async () => {
          const spec = commandSpec(line, undefined, undefined);
          const cwd = await realWorkspaceCwd(ctx.workspace, input.cwd, p => ctx.processes.realPath(p)).catch(
            (err: unknown) => {
              throw new ToolRefused(err instanceof Error ? err.message : String(err));
            },
          );
          const shown = describeCommand(spec);
          ctx.log(`→ run_command\n$ ${shown}\n`);
          let tail = '';
          const exit = await ctx.processes.run(
            { ...spec, cwd },
            {
              signal,
              onOutput: text => {
                ctx.log(text);
                tail = (tail + text).slice(-outputTail);
              },
            },
          );
          if (signal.aborted)
            throw new ActionFailure(`The command '${shown}' was stopped (${signalReason(signal) ?? 'stopped'}).`, {
              phase: 'run',
              timedOut: signalReason(signal) === 'timeout',
            });
          const ended = exit.error
            ? `could not run: ${exit.error.message}`
            : exit.code === null
              ? `ended by ${exit.signal ?? 'a signal'}`
              : `exit code ${exit.code}`;
          ctx.log(`[${ended}]\n`);
          return { content: `${ended}\n${tail}`, ...(exit.code === 0 ? {} : { isError: true }) };
        }, ctx),
      { rerunnable: action.rerunnable ?? false },
    );
    return (
      result ?? {
        content: 'It was cut off by an interruption and a person counted it as done; its output is not known.',
      }
    );
  }

  /** The verify command once, its output kept for the model instead of failing the task. */
  private async verify(line: string, signal: AbortSignal): Promise<VerifyResult> {
    const { ctx } = this;
    const spec = commandSpec(line, undefined, undefined);
    const cwd = await realWorkspaceCwd(ctx.workspace, undefined, p => ctx.processes.realPath(p));
    const shown = describeCommand(spec);
    ctx.log(`$ ${shown}   (verify)\n`);
    let tail = '';
    const exit = await ctx.processes.run(
      { ...spec, cwd },
      {
        signal,
        onOutput: text => {
          ctx.log(text);
          tail = (tail + text).slice(-outputTail);
        },
      },
    );
    if (signal.aborted)
      throw new ActionFailure(`Its verify command '${shown}' was stopped.`, {
        phase: 'verify',
        timedOut: signalReason(signal) === 'timeout',
      });
    const passed = exit.code === 0 && !exit.error;
    const summary = exit.error
      ? `could not run: ${exit.error.message}`
      : exit.code === null
        ? `ended by ${exit.signal ?? 'a signal'}`
        : `exit code ${exit.code}`;
    ctx.log(`[verify: ${summary}]\n`);
    return { passed, summary, tail };
  }
}

/** A tool's refusal (and a file error) goes back to the model as its result; anything else fails the task. */
async function told<T>(fn: () => Promise<T>, ctx: ActionContext): Promise<T | ToolResult> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (err instanceof ToolRefused || (typeof code === 'string' && /^E[A-Z]+$/.test(code))) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.log(`[refused: ${message}]\n`);
      return { content: message, isError: true };
    }
    throw err;
  }
}

/** A turn as the task log shows it: what the model said and which tools it called. */
export function transcriptOfTurn(turn: number, model: string, r: ModelResponse): string {
  const calls = r.toolCalls.map(c => `  wants ${c.name} ${JSON.stringify(c.input).slice(0, 200)}\n`).join('');
  return `--- turn ${turn} (${model}; ${r.usage.inputTokens} tokens in, ${r.usage.outputTokens} out) ---\n${r.text.trim() ? `${r.text.trim()}\n` : ''}${calls}`;
}
