// A Prompter that answers Continuum's questions the way a test scripts it, and remembers what it
// was shown. Integration tests install it with api.testing.setPrompter (modal dialogs are refused
// in the test VS Code, and a test must be able to answer).
import type * as vscode from 'vscode';
import type { PickItem, Prompter } from '../../../src/vscode/prompts';

export class ScriptedPrompter implements Prompter {
  /** Every notification message, in order. */
  notifications: string[] = [];
  /** Asked in order for each notification; the first button name returned is the answer. */
  answers: Array<(message: string, actions: string[]) => string | undefined> = [];
  /**
   * Answers to input boxes, in order; none left means the box is dismissed. An answer the box's
   * validateInput refuses cannot be accepted (as in VS Code): it is kept in `refused` with the
   * message shown, and the box is dismissed.
   */
  inputs: string[] = [];
  refused: Array<{ value: string; message: string }> = [];
  /**
   * Labels to pick, one per quick pick, in order; then `pickLabel`; then the first item.
   * 'Enter' accepts what the pick opens with: the item marked `active`, else the first.
   */
  picks: Array<RegExp | 'Enter'> = [];
  pickLabel: RegExp | undefined;
  /** Which items a multi-select keeps (default: all). */
  keepInPickMany: (item: PickItem<unknown>) => boolean = () => true;
  /** Every quick pick shown, as "label | description" lines. */
  seen: string[][] = [];
  /** The second line of each item of the picks in `seen` (what a task does, in Import Plan's preview). */
  seenDetails: string[][] = [];
  /** The labels of the last quick pick shown. */
  offered: string[] = [];
  /**
   * Like a person who never opens the Notification Center: a notice without buttons never
   * resolves (VS Code resolves it only when it is closed). Off by default.
   */
  noticesStay = false;

  async input(options?: vscode.InputBoxOptions): Promise<string | undefined> {
    const value = this.inputs.shift();
    const problem = value === undefined ? undefined : await options?.validateInput?.(value);
    const message = typeof problem === 'string' ? problem : problem?.message;
    if (value !== undefined && message) {
      this.refused.push({ value, message });
      return undefined;
    }
    return value;
  }

  async pick<T>(items: PickItem<T>[]): Promise<T | undefined> {
    this.show(items);
    const want = this.picks.shift() ?? this.pickLabel;
    if (want === 'Enter') return (items.find(i => i.active) ?? items[0])?.value;
    return (want ? items.find(i => want.test(i.label)) : items[0])?.value;
  }

  async pickMany<T>(items: PickItem<T>[]): Promise<T[] | undefined> {
    this.show(items);
    return items.filter(i => this.keepInPickMany(i)).map(i => i.value);
  }

  async notify(_kind: string, message: string, ...actions: string[]): Promise<string | undefined> {
    this.notifications.push(message);
    if (this.noticesStay && !actions.length) return new Promise<undefined>(() => undefined);
    for (const answer of this.answers) {
      const a = answer(message, actions);
      if (a) return a;
    }
    return undefined;
  }

  async openFile(): Promise<vscode.Uri | undefined> {
    return undefined;
  }

  async saveFile(): Promise<vscode.Uri | undefined> {
    return undefined;
  }

  private show<T>(items: PickItem<T>[]): void {
    this.seen.push(items.map(i => `${i.label} | ${i.description ?? ''}`));
    this.seenDetails.push(items.map(i => i.detail ?? ''));
    this.offered = items.map(i => i.label);
  }
}
