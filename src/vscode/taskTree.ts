// The Tasks view: tasks grouped by status, or by phase for imported plans. Labels and tooltips
// are plain strings, so markup in a title is shown as text and never interpreted.
import * as vscode from 'vscode';
import type { Phase, Task } from '../core/tasks/model';
import type { Claim, TaskManager } from '../core/tasks/taskManager';
import { describeConfidenceDecision } from '../core/execution/guards/guards';
import { describeLastLmRun } from '../core/execution/lmUsage';
import { formatDuration } from '../core/execution/summary';
import { groupTasks, nestGroups, type Grouping, type TaskGroup } from './taskGroups';
import { isToDo, taskContextValue, taskIcon } from './taskLook';

type Node = { kind: 'group'; group: TaskGroup } | { kind: 'task'; task: Task; children: Task[] };

export class TaskTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private tasks: TaskManager | undefined;
  private grouping: Grouping = 'status';
  private modelAvailable: boolean | undefined;
  private subscriptions: vscode.Disposable[] = [];
  private snapshot: { tasks: Task[]; phases: Phase[]; byId: Map<string, Task>; claims: Map<string, Claim> } | undefined;
  private nested:
    | { of: NonNullable<TaskTreeProvider['snapshot']>; grouping: Grouping; groups: ReturnType<typeof nestGroups> }
    | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  /** Shows the tasks of an open store; until then the view is empty and shows its welcome. */
  attach(tasks: TaskManager): void {
    this.tasks = tasks;
    // every saved change, not only the task manager's own: a restore or a state import writes tasks too
    this.subscriptions.push(tasks.onDidChangeStored(() => this.refresh()));
    this.grouping = tasks.phases().length ? 'phase' : 'status';
    void vscode.commands.executeCommand('setContext', 'continuum.tasks.grouping', this.grouping);
    this.refresh();
  }

  /** Whether lm tasks can run here now (undefined until the models were looked up): without a model, they say they wait for one. */
  setModelAvailable(available: boolean | undefined): void {
    if (this.modelAvailable === available) return;
    this.modelAvailable = available;
    this.changed.fire();
  }

  setGrouping(grouping: Grouping): void {
    this.grouping = grouping;
    void vscode.commands.executeCommand('setContext', 'continuum.tasks.grouping', grouping);
    this.changed.fire();
  }

  refresh(): void {
    this.snapshot = undefined;
    this.changed.fire();
    this.tickWhileRunning();
  }

  /** While a task runs, its elapsed time moves: re-render every second. */
  private tickWhileRunning(): void {
    const running = this.load()?.tasks.some(t => t.status === 'running') ?? false;
    if (running && !this.ticker) this.ticker = setInterval(() => this.changed.fire(), 1000);
    if (!running && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(
        node.group.label,
        node.group.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `group:${node.group.id}`;
      item.description = String(this.groups().totalOf(node.group.id));
      item.contextValue = 'continuum.group';
      return item;
    }
    return this.taskItem(node.task, node.children.length > 0);
  }

  /**
   * On hover, the task's details: VS Code resolves only a tooltip left undefined, so the whole
   * tooltip is made here — with what costs a read of its event log (the confidence gate's decision).
   */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node.kind !== 'task' || !this.tasks) return item;
    const task = this.load()?.byId.get(node.task.id) ?? node.task;
    const events = this.tasks.events(task.id, 100);
    const confidence = describeConfidenceDecision(events);
    const lm = task.action?.kind === 'lm' ? describeLastLmRun(events, formatDuration) : undefined;
    item.tooltip = [this.tooltipOf(task), lm ?? '', confidence ?? ''].filter(Boolean).join('\n');
    return item;
  }

  getChildren(node?: Node): Node[] {
    const data = this.load();
    if (!data) return [];
    const groups = this.groups();
    if (!node) return groups.roots.map(group => ({ kind: 'group', group }));
    const list = node.kind === 'group' ? node.group.tasks : node.children;
    // a phase's own tasks, then its sub-phases ("2.1 …" under "2 …")
    const subGroups: Node[] =
      node.kind === 'group' ? groups.childrenOf(node.group.id).map(group => ({ kind: 'group', group })) : [];
    return [
      ...list.map((task): Node => ({
        kind: 'task',
        task,
        children: this.grouping === 'phase' ? data.tasks.filter(t => t.parentId === task.id) : [],
      })),
      ...subGroups,
    ];
  }

  /** The groups of the current grouping, nested (kept with the snapshot of the tasks). */
  private groups(): ReturnType<typeof nestGroups> {
    const data = this.load()!;
    if (!this.nested || this.nested.of !== data || this.nested.grouping !== this.grouping) {
      this.nested = {
        of: data,
        grouping: this.grouping,
        groups: nestGroups(groupTasks(data.tasks, data.phases, this.grouping)),
      };
    }
    return this.nested.groups;
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private load() {
    if (!this.tasks) return undefined;
    if (!this.snapshot) {
      const tasks = this.tasks.list();
      // agents' claims (lease not ended): "claimed by Claude Code · 2m 05s ago"
      const claims = new Map(this.tasks.claimedBy().map(t => [t.id, t.claim]));
      this.snapshot = { tasks, phases: this.tasks.phases(), byId: new Map(tasks.map(t => [t.id, t])), claims };
    }
    return this.snapshot;
  }

  /** The unfinished tasks this one depends on. */
  private waitingFor(task: Task): Task[] {
    const data = this.load()!;
    return task.dependsOn.map(id => data.byId.get(id)).filter((t): t is Task => !!t && t.status !== 'done');
  }

  private taskItem(task: Task, hasChildren: boolean): vscode.TreeItem {
    const waitingFor = this.waitingFor(task);
    const item = new vscode.TreeItem(
      task.title,
      hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = task.id;
    const claim = this.load()!.claims.get(task.id);
    const running =
      task.status === 'running' && task.startedAt !== undefined ? elapsedText(Date.now() - task.startedAt) : '';
    const elapsed = claim ? `claimed by ${claim.agentName}${running ? ` · ${running} ago` : ''}` : running;
    // grouped by status, the "Waiting for you" group says it already
    const forYou =
      this.grouping === 'phase' && task.status === 'pending' && !waitingFor.length && isToDo(task)
        ? 'waiting for you'
        : '';
    const forModel =
      this.modelAvailable === false && task.action?.kind === 'lm' && task.status === 'pending'
        ? 'waits for a model'
        : '';
    const bits = [
      elapsed,
      forYou,
      forModel,
      task.priority !== 'normal' ? task.priority : '',
      task.progress > 0 && task.progress < 100 ? `${task.progress}%` : '',
      task.number ?? '',
    ];
    item.description = bits.filter(Boolean).join(' · ');
    const { icon, colour } = taskIcon(task, task.status === 'pending' && waitingFor.length > 0);
    item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
    item.contextValue = taskContextValue(task);
    return item;
  }

  /** Title, status, what it waits for, its last error and description: plain text, so markup stays text. */
  private tooltipOf(task: Task): string {
    const waitingFor = this.waitingFor(task);
    const claim = this.load()!.claims.get(task.id);
    return [
      task.title,
      `Status: ${task.status}${task.status === 'running' || task.progress ? ` (${task.progress}%)` : ''} · Priority: ${task.priority}`,
      kindLine(task),
      claim
        ? `Claimed by ${claim.agentName}: its lease runs until ${new Date(claim.leaseUntil).toLocaleTimeString()} and renews with each of its calls`
        : '',
      waitingFor.length
        ? `Waiting for: ${waitingFor.map(t => `'${t.title}'`).join(', ')}`
        : task.status === 'pending'
          ? 'Ready to start'
          : '',
      task.error ? `Last error: ${task.error.slice(0, 300)}` : '',
      task.description ? `\n${task.description.slice(0, 500)}` : '',
    ]
      .filter(Boolean)
      .join('\n');
  }
}

/** What the task is: a to-do for a person, or what the run executes. Plain text. */
function kindLine(task: Task): string {
  if (isToDo(task)) return 'To-do: you do it, then Mark Done (a session waits for it)';
  return task.action?.kind === 'shell'
    ? `Runs: ${task.action.command.slice(0, 200)}`
    : task.action?.kind === 'vscodeTask'
      ? `Runs the VS Code task '${task.action.label}'`
      : '';
}

/** "12s", "3m 05s", "1h 02m": how long a running task has been running. */
export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
