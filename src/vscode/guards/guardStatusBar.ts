// The error budget (`$(shield) 7/10`) and the flow indicator in the status bar.
import * as vscode from 'vscode';
import type { ExecutionGuards } from '../../core/execution/guards/guards';
import { budgetText, flowText } from './guardText';

export class GuardStatusBar implements vscode.Disposable {
  private readonly budget = vscode.window.createStatusBarItem(
    'continuum.errorBudget',
    vscode.StatusBarAlignment.Left,
    49,
  );
  private readonly flow = vscode.window.createStatusBarItem('continuum.flow', vscode.StatusBarAlignment.Left, 48);
  private subscription: vscode.Disposable | undefined;
  // the budget refills with time, and flow decays with it: re-read every 30 s
  private readonly timer = setInterval(() => this.render(), 30_000);
  private guards: ExecutionGuards | undefined;

  constructor() {
    this.budget.name = 'Continuum Error Budget';
    this.flow.name = 'Continuum Flow';
  }

  attach(guards: ExecutionGuards): void {
    this.subscription?.dispose();
    this.guards = guards;
    this.subscription = guards.onDidChange(() => this.render());
    this.render();
    this.budget.show();
    this.flow.show();
  }

  get texts(): { budget: string; flow: string; budgetBackground?: string; flowTooltip: string } {
    return {
      budget: this.budget.text,
      flow: this.flow.text,
      ...(this.budget.backgroundColor instanceof vscode.ThemeColor
        ? { budgetBackground: (this.budget.backgroundColor as unknown as { id: string }).id }
        : {}),
      flowTooltip: typeof this.flow.tooltip === 'string' ? this.flow.tooltip : '',
    };
  }

  render(): void {
    if (!this.guards) return;
    const b = budgetText(this.guards.budgetStatus());
    this.budget.text = b.text;
    this.budget.tooltip = b.tooltip;
    this.budget.backgroundColor =
      b.urgency === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : b.urgency === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const f = flowText(this.guards.flowStatus());
    this.flow.text = f.text;
    this.flow.tooltip = f.tooltip;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.subscription?.dispose();
    this.budget.dispose();
    this.flow.dispose();
  }
}
