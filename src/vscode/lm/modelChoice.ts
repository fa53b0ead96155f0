// Which VS Code chat model does this window's lm tasks: chosen at start, and again whenever VS Code's
// models change (a provider installed, a sign-in) or the person changes continuum.lm.vendor/family.
// Without one it says why, in words that say what to do; lm tasks then wait.
import * as vscode from 'vscode';
import { ModelError, type ModelPort } from '../../core/lm/model';
import type { Logger } from '../../core/ports';
import { modelLabel, noModelReason } from './chatMapping';
import { VSCodeChatModel, chosenSelector, pickChatModel } from './chatModel';

export class ChatModelChoice implements vscode.Disposable {
  private chosen: VSCodeChatModel | undefined;
  private why: string | undefined = 'the language models of VS Code are still being looked up';
  private queue: Promise<void> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];
  /** The model was chosen again (another model, or none, or none for another reason). */
  readonly onDidChange = this.changed.event;
  /** Resolves once the first choice is made. */
  readonly ready: Promise<void>;

  /** The chosen model as the core sees it: follows the choice, so a new model serves the next request. */
  readonly model: ModelPort;

  constructor(private readonly logger: Logger) {
    this.subscriptions = [
      vscode.lm.onDidChangeChatModels(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (
          e.affectsConfiguration('continuum.lm.vendor') ||
          e.affectsConfiguration('continuum.lm.family') ||
          e.affectsConfiguration('chat.disableAIFeatures')
        )
          void this.refresh();
      }),
    ];
    const choice = () => this.chosen;
    const why = () => this.why;
    this.model = {
      get name() {
        return choice()?.name ?? 'no language model';
      },
      send(request, signal) {
        const model = choice();
        if (!model) return Promise.reject(new ModelError(`No language model is available: ${why()}.`, 'unavailable'));
        return model.send(request, signal);
      },
    };
    this.ready = this.refresh();
  }

  /** The model lm tasks use now; undefined when there is none. */
  get current(): VSCodeChatModel | undefined {
    return this.chosen;
  }

  /** Why there is no model (what to do about it); undefined when there is one. */
  get reason(): string | undefined {
    return this.chosen ? undefined : this.why;
  }

  /** Resolves once the first choice is made, or after `ms` at most. */
  async settled(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ready, new Promise<void>(resolve => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Chooses again (one choice at a time; the last one asked for wins). */
  refresh(): Promise<void> {
    this.queue = this.queue.then(() => this.choose());
    return this.queue;
  }

  private async choose(): Promise<void> {
    let chat: vscode.LanguageModelChat | undefined;
    let why: string | undefined;
    try {
      // VS Code waits for the model providers' extensions to start; one that never does must not hold every later choice
      chat = await inTime(pickChatModel(), listingTimeoutMs);
      if (!chat) {
        const selector = chosenSelector();
        const any =
          selector.vendor || selector.family
            ? (await inTime(vscode.lm.selectChatModels({}), listingTimeoutMs)).length > 0
            : false;
        const off = vscode.workspace.getConfiguration('chat').get<boolean>('disableAIFeatures') === true;
        why = noModelReason(selector, any, off);
      }
    } catch (err) {
      why = `the language models could not be listed (${err instanceof Error ? err.message : String(err)}); Continuum looks again when VS Code's models change, or run Continuum: Choose Model…`;
      this.logger.warn(`choosing a language model failed: ${why}`);
    }
    const before = this.chosen;
    const same = before && chat && sameModel(before.chat, chat);
    if (same && !why) return;
    if (!before && !chat && this.why === why) return;
    this.chosen = chat ? new VSCodeChatModel(chat) : undefined;
    this.why = why;
    this.logger.info(
      chat ? `lm tasks use the language model ${modelLabel(chat)}` : `lm tasks have no language model: ${why}`,
    );
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

const listingTimeoutMs = 15_000;

async function inTime<T>(promise: Thenable<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(promise),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`VS Code did not list its language models within ${ms / 1000} s`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function sameModel(a: vscode.LanguageModelChat, b: vscode.LanguageModelChat): boolean {
  return a.vendor === b.vendor && a.id === b.id && a.family === b.family && a.version === b.version;
}
