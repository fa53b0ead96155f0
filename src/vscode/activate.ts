import * as vscode from 'vscode';
import { performance } from 'perf_hooks';
import type { Continuum } from '../core/continuum';
import type { ExecutionGuards } from '../core/execution/guards/guards';
import { registerCommands } from './commands';
import { registerAgents } from './agents/registerAgents';
import { registerCheckpointUi } from './checkpoints/checkpointUi';
import type { CommandContext } from './commands/context';
import { ContinuumHost } from './host';
import { outputLogger } from './logger';
import { GraphTreeProvider, type GraphNode } from './graph/graphTree';
import { GraphWatcher } from './graph/graphWatcher';
import { vscodePrompter, type Prompter } from './prompts';
import { ExecutionRuntime } from './execution/runtime';
import { interruptedMessage, onOpening } from './sessionText';
import { GuardStatusBar } from './guards/guardStatusBar';
import { RulesWatcher } from './guards/rulesWatcher';
import { StatusBar } from './statusBar';
import { registerAutoPullRequest } from './pullRequests/autoPullRequest';
import { pullRequestDeps } from './pullRequests/pullRequestCommands';
import { TaskTreeProvider } from './taskTree';
import { exportedApi, type ExtensionRunMode } from './testingApi';
import { registerWalkthrough } from './walkthrough/walkthroughContext';

/** What activate() returns to every extension. */
export interface ContinuumPublicApi {
  /** How long activate() took, in milliseconds. */
  readonly activationMs: number;
  /** Evaluating the bundle's modules plus activate(): what activation costs the extension host. */
  readonly loadAndActivateMs: number;
  /** Resolves once the store is open. */
  ready(): Promise<Continuum>;
  /** Closes the store (deactivate). */
  close(): Promise<void>;
}

/** What the integration tests get (ExtensionMode.Test only): also what the user sees, and a way to answer questions. */
export interface ContinuumApi extends ContinuumPublicApi {
  readonly testing: {
    statusBar: StatusBar;
    guardStatusBar: GuardStatusBar;
    rulesWatcher: RulesWatcher;
    tree: TaskTreeProvider;
    graphTree: GraphTreeProvider;
    graphView: vscode.TreeView<GraphNode>;
    setPrompter(prompter: Prompter | undefined): void;
    /** The autonomy guards of the current executor, once built. */
    guards(): ExecutionGuards | undefined;
    /** Closes and reopens the store, as a reload of the window would. */
    reopen(): Promise<Continuum>;
  };
}

export function activateContinuum(context: vscode.ExtensionContext, loadMs = 0): ContinuumPublicApi | ContinuumApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Continuum', { log: true });
  let prompter: Prompter = vscodePrompter;
  const logger = outputLogger(output);
  const host = new ContinuumHost(context, logger, output, {
    ...vscodePrompter,
    notify: (...a) => prompter.notify(...a),
  });
  const statusBar = new StatusBar();
  const tree = new TaskTreeProvider();
  const guardStatusBar = new GuardStatusBar();
  const runtime = new ExecutionRuntime(
    () => prompter,
    logger,
    guards => guardStatusBar.attach(guards),
  );
  host.busy = what => runtime.busyReason(what);
  host.controlSessionHere = params => runtime.controlSession(params);
  const rulesWatcher = new RulesWatcher(
    rules => runtime.setRules(rules),
    logger,
    message => void prompter.notify('warning', message),
  );
  const ctx: CommandContext = { host, prompts: () => prompter, tree, runtime, output };
  const treeView = vscode.window.createTreeView('continuum.tasks', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    output,
    host,
    statusBar,
    guardStatusBar,
    rulesWatcher,
    tree,
    treeView,
    runtime,
    ...registerCommands(ctx),
    ...registerCheckpointUi(host),
    registerAutoPullRequest(runtime, pullRequestDeps(ctx)),
  );
  context.subscriptions.push(registerWalkthrough(host, logger)); // the getting-started walkthrough's progress
  context.subscriptions.push(...registerAgents(context, host, logger)); // language-model tools and @continuum in chat
  const graphTree = new GraphTreeProvider();
  const graphWatcher = new GraphWatcher(logger);
  const graphView = vscode.window.createTreeView('continuum.graph', {
    treeDataProvider: graphTree,
    showCollapseAll: true,
  });
  context.subscriptions.push(graphTree, graphWatcher, graphView);

  // lm tasks say they wait for a model, with an inline Choose Model, while there is none
  void vscode.commands.executeCommand('setContext', 'continuum.lm.modelAvailable', true); // until looked up
  context.subscriptions.push(
    runtime.models.onDidChange(() => {
      const available = !!runtime.models.current;
      tree.setModelAvailable(available);
      void vscode.commands.executeCommand('setContext', 'continuum.lm.modelAvailable', available);
    }),
  );

  const whenOpen = (core: Continuum) => {
    tree.attach(core.tasks);
    statusBar.attach(core);
    runtime.for(core); // the guards (and their status-bar items) from the start, not from the first run
    void rulesWatcher.start().catch(err => logger.error('reading .continuum/rules.json failed', err));
    graphTree.attach(core.graph);
    graphWatcher.attach(core.store.readOnly ? undefined : core.graph);
    void offerResume(core, () => prompter);
    core.store.onDidLoseLock(reason => {
      runtime.abandon(); // its results could not be saved; the process that took the store over resumes them
      void prompter.notify(
        'warning',
        `${reason} This window's running tasks were stopped; it now works through the process that holds the store.`,
      );
    });
  };
  context.subscriptions.push(host.onDidOpen(whenOpen));
  // Opening loads WebAssembly and reads the store: after activation, never during it.
  setImmediate(
    () =>
      void host.open().catch(err => {
        logger.error('opening the store failed', err);
        void prompter.notify('error', `Continuum could not open its store: ${(err as Error).message}`);
      }),
  );

  const ended = performance.now();
  const api: ContinuumPublicApi = {
    activationMs: ended - started,
    loadAndActivateMs: loadMs + ended - started,
    ready: () => host.open(),
    close: () => host.close(), // the endpoint closes before the store: agents' servers then take it over
  };
  const testing: ContinuumApi['testing'] = {
    statusBar,
    guardStatusBar,
    rulesWatcher,
    tree,
    graphTree,
    graphView,
    setPrompter: p => {
      prompter = p ?? vscodePrompter;
    },
    guards: () => runtime.guards,
    reopen: async () => {
      runtime.abandon(); // the window "dies": its processes are killed, its sessions stay marked running
      await host.close();
      return host.open();
    },
  };
  return exportedApi(runMode(context.extensionMode), api, testing);
}

function runMode(mode: vscode.ExtensionMode): ExtensionRunMode {
  return mode === vscode.ExtensionMode.Test
    ? 'test'
    : mode === vscode.ExtensionMode.Development
      ? 'development'
      : 'production';
}

/**
 * On opening with an interrupted session: one that only waited for a person's to-do goes on waiting
 * (quietly: nothing of it was cut off); any other asks "Session 'X' was interrupted at 12/50 — Resume?"
 */
async function offerResume(core: Continuum, prompter: () => Prompter): Promise<void> {
  const session = core.sessions.resumePoint();
  if (!session || core.store.readOnly) return;
  const what = onOpening(core, session);
  // untrusted, nothing may run: the status bar says the session waits for you until the folder is trusted
  if (what === 'continue' && vscode.workspace.isTrusted)
    await vscode.commands.executeCommand('continuum.resumeSession', session.id);
  if (what !== 'ask') return;
  const choice = await prompter().notify('info', interruptedMessage(core, session), 'Resume', 'Later');
  if (choice === 'Resume') await vscode.commands.executeCommand('continuum.resumeSession', session.id);
}
