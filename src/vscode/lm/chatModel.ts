// The core's ModelPort over a VS Code chat model (vscode.lm: GitHub Copilot's or any extension's):
// the request as LanguageModelChatMessages with tools, the streamed answer gathered into text and
// tool calls, tokens counted by the model (the API reports no usage), and VS Code's errors in the
// core's kinds. The mapping itself is pure, in chatMapping.ts.
import * as vscode from 'vscode';
import type { ModelPort, ModelRequest, ModelResponse, ToolCall } from '../../core/lm/model';
import { ModelError } from '../../core/lm/model';
import { readSetting, type SettingsSource } from '../../core/settings';
import { vscodeSettings } from '../settings';
import {
  chatTools,
  chatTurns,
  chooseModel,
  modelErrorOf,
  modelLabel,
  modelSelector,
  requestText,
  type ChatPart,
  type ChatTurn,
} from './chatMapping';

const justification =
  'Continuum asks this model to do the language-model (lm) tasks of the sessions you start or resume, and to propose a plan when you use Plan from Goal.';

export class VSCodeChatModel implements ModelPort {
  readonly name: string;

  constructor(readonly chat: vscode.LanguageModelChat) {
    this.name = modelLabel(chat);
  }

  async send(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    if (signal.aborted) cancel.cancel();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      const messages = chatTurns(request).map(vscodeMessage);
      let text = '';
      const toolCalls: ToolCall[] = [];
      try {
        const response = await this.chat.sendRequest(
          messages,
          {
            justification,
            ...(request.tools.length ? { tools: chatTools(request.tools) } : {}),
            ...(request.maxOutputTokens ? { modelOptions: { maxTokens: request.maxOutputTokens } } : {}),
          },
          cancel.token,
        );
        for await (const part of response.stream) {
          if (part instanceof vscode.LanguageModelTextPart) text += part.value;
          else if (part instanceof vscode.LanguageModelToolCallPart)
            toolCalls.push({ id: part.callId || `call_${toolCalls.length}`, name: part.name, input: part.input });
        }
      } catch (err) {
        if (signal.aborted || err instanceof ModelError) throw err;
        throw modelErrorOf(
          err instanceof vscode.LanguageModelError
            ? { code: err.code, message: err.message, cause: err.cause }
            : { message: err instanceof Error ? err.message : String(err) },
          this.name,
        );
      }
      const usage = {
        inputTokens: await this.count(requestText(request), cancel.token),
        outputTokens: await this.count(
          [text, ...toolCalls.map(c => `${c.name} ${JSON.stringify(c.input)}`)].join('\n'),
          cancel.token,
        ),
      };
      return { text, toolCalls, usage, stop: toolCalls.length ? 'tool_use' : 'end' };
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  /** Tokens as the model counts them; about four characters a token when it cannot say. */
  private async count(text: string, token: vscode.CancellationToken): Promise<number> {
    if (!text) return 0;
    try {
      return await this.chat.countTokens(text, token);
    } catch {
      // counting is for the task's token limit and its report: an estimate serves when the provider fails at it
      return Math.ceil(text.length / 4);
    }
  }
}

function vscodeMessage(turn: ChatTurn): vscode.LanguageModelChatMessage {
  if (turn.role === 'assistant') {
    return vscode.LanguageModelChatMessage.Assistant(
      turn.parts.map(p =>
        p.kind === 'toolCall'
          ? new vscode.LanguageModelToolCallPart(p.callId, p.name, p.input)
          : new vscode.LanguageModelTextPart(textOf(p)),
      ),
    );
  }
  return vscode.LanguageModelChatMessage.User(
    turn.parts.map(p =>
      p.kind === 'toolResult'
        ? new vscode.LanguageModelToolResultPart(p.callId, [new vscode.LanguageModelTextPart(p.text)])
        : new vscode.LanguageModelTextPart(textOf(p)),
    ),
  );
}

function textOf(p: ChatPart): string {
  return p.kind === 'text' ? p.text : p.kind === 'toolResult' ? p.text : JSON.stringify(p.input);
}

/** The vendor/family the settings name (continuum.lm.vendor, continuum.lm.family); empty: any. */
export function chosenSelector(settings: SettingsSource = vscodeSettings()): { vendor?: string; family?: string } {
  return modelSelector(readSetting(settings, 'lm.vendor'), readSetting(settings, 'lm.family'));
}

/**
 * The chat model for lm tasks: of the vendor and family the settings name (empty: any), the same
 * one each time the same models are there; undefined when there is none.
 */
export async function pickChatModel(
  settings: SettingsSource = vscodeSettings(),
): Promise<vscode.LanguageModelChat | undefined> {
  return chooseModel(await vscode.lm.selectChatModels(chosenSelector(settings)));
}
