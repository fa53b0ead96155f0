// Opens Continuum's core for this window, once, off the activation path, and tells the user what
// opening found (a recovered store, a read-only view).
import * as vscode from 'vscode';
import type { Continuum } from '../core/continuum';
import type { AgentIdentity, ToolResult } from '../core/agents/tool';
import type { Logger } from '../core/ports';
import { chooseStoreFolder } from '../core/store/location';
import { nodeFileSystem } from '../node/fileSystem';
import { WorkerGraphParser } from '../node/graphWorkerParser';
import { workerSnapshotCopies } from '../node/storeWorker';
import { currentOwner } from '../node/lockOwner';
import type { SessionControlParams, SessionControlResult } from '../node/endpoint/protocol';
import type { WindowStore } from '../node/endpoint/window';
import type { LauncherPlace } from './agents/cliLauncher';
import type { Prompter } from './prompts';
import { setting } from './settings';

/** Why a change made in a window that is a client of another process's store is refused. */
const replicaReason =
  'another process holds this store (a VS Code window or a continuum run). This window shows it live and sends task changes, plan imports, checkpoints and notes there; this change is made only in the process that holds it (or here, once that one closes). Start Session, Restore Checkpoint and the other commands that need the store take it over from a window that runs nothing.';

export class ContinuumHost implements vscode.Disposable {
  private opening: Promise<Continuum> | undefined;
  private opened: Continuum | undefined;
  private windowStore: WindowStore | undefined;
  private readonly didOpen = new vscode.EventEmitter<Continuum>();
  readonly onDidOpen = this.didOpen.event;
  private readonly didGainFiles = new vscode.EventEmitter<Continuum>();
  /** Checkpoints gained their files half after opening (the person trusted the workspace). */
  readonly onDidGainFiles = this.didGainFiles.event;
  private readonly trustListener = vscode.workspace.onDidGrantWorkspaceTrust(
    () =>
      void this.open().then(
        core => this.useTrustedFolder(core),
        err => this.logger.error('opening the store after trust was granted failed', err),
      ),
  );

  /** The extension's folder (webview resources). */
  get extensionUri(): vscode.Uri {
    return this.context.extensionUri;
  }

  /** This extension's global storage folder; its parent holds other extensions' (Set Up Agents finds Cline's there). */
  get globalStorageUri(): vscode.Uri {
    return this.context.globalStorageUri;
  }

  /** Where agents' configurations start Continuum's CLI from (see cliLauncher.ts). */
  get launcherPlace(): LauncherPlace {
    return {
      globalStorage: this.context.globalStorageUri.fsPath,
      extensionPath: this.context.extensionPath,
      extensionId: this.context.extension.id,
    };
  }

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
    private readonly output: vscode.LogOutputChannel,
    readonly prompter: Prompter,
  ) {}

  /** The open core, if opening has finished. */
  get current(): Continuum | undefined {
    return this.opened;
  }

  /** Why this window cannot give the store to another window that wants to run `what` (a session runs here): set by the execution runtime. */
  busy: (what: string) => string | undefined = () => undefined;
  /** Pauses, stops or cancels a session running in this window, for a person in another one: set by the execution runtime. */
  controlSessionHere: (params: SessionControlParams) => Promise<SessionControlResult> = async () => ({ done: false });
  /** The commands only the holder runs that are under way in this window (by title), which a handover must not cut off. */
  private readonly working = new Map<string, number>();

  /** Runs `fn`, a command only the holder runs, as `what`: meanwhile this window keeps the store (see `busyWith`). */
  async whileHolding<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.working.set(what, (this.working.get(what) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const n = (this.working.get(what) ?? 1) - 1;
      if (n) this.working.set(what, n);
      else this.working.delete(what);
    }
  }

  /** Why this window keeps the store when another window asks for it to run `what`: a session runs here, or a command is under way. */
  private busyWith(what: string): string | undefined {
    const running = this.busy(what);
    if (running) return running;
    const under = [...this.working.keys()];
    return under.length
      ? `Another VS Code window is running ${under.join(', ')}: wait until it has finished, to ${what} here`
      : undefined;
  }

  /**
   * The core, held by this window, to run `what` (a command only the store's holder runs). A window
   * that is another process's client first takes the store over: a window that runs nothing gives
   * it, an agent's MCP server always does. Throws, saying why and what to do, when it cannot.
   */
  async holdFor(what: string): Promise<Continuum> {
    const core = await this.open();
    const windowStore = this.windowStore;
    if (!windowStore || windowStore.role !== 'client') return core;
    const outcome = await windowStore.takeOver(what);
    if (!outcome.held) throw new StoreHeldElsewhere(outcome.why);
    this.logger.info(`this window took the store over to run ${what}`);
    return this.open();
  }

  /**
   * Pauses, stops or cancels a session where it runs: in this window, or in the window holding the
   * store when this one is its client. `done` is false when no run of it goes on there.
   */
  async controlSession(params: SessionControlParams): Promise<SessionControlResult> {
    await this.open();
    const windowStore = this.windowStore;
    if (!windowStore || windowStore.role !== 'client') return this.controlSessionHere(params);
    return windowStore.controlSession(params);
  }

  /**
   * Runs an agent tool where the store is held: in this window (with its trust and verify-on-done)
   * or, in a window that is another process's client, on the holder, as an agent's MCP server does.
   */
  async callTool(agent: AgentIdentity, tool: string, input: unknown, signal?: AbortSignal): Promise<ToolResult> {
    await this.open();
    const windowStore = this.windowStore;
    if (!windowStore) throw new Error('The store was closed; run the tool again.');
    return windowStore.callTool(agent, tool, input, signal);
  }

  /** Opens the core (once); later calls get the same promise. */
  open(): Promise<Continuum> {
    this.opening ??= this.doOpen().catch(err => {
      this.opening = undefined; // let a later command try again
      throw err;
    });
    return this.opening;
  }

  async close(): Promise<void> {
    const windowStore = this.windowStore;
    this.windowStore = undefined;
    this.opened = undefined;
    this.opening = undefined;
    await windowStore?.close();
  }

  dispose(): void {
    void this.close().catch(err => this.logger.error('closing the store failed', err));
    this.trustListener.dispose();
    this.didOpen.dispose();
    this.didGainFiles.dispose();
  }

  /** What trust enables, without a reload: checkpoints with the workspace files (the executor asks for trust each time). */
  private useTrustedFolder(core: Continuum): void {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder || !vscode.workspace.isTrusted || core.files) return;
    core.useWorkspaceFolder(folder);
    this.logger.info(`workspace trusted: checkpoints now hold the files of ${folder}`);
    this.didGainFiles.fire(core);
  }

  private async doOpen(): Promise<Continuum> {
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const folder = chooseStoreFolder({
      setting: setting('storagePath'),
      workspaceStorage: this.context.storageUri?.fsPath,
      globalStorage: this.context.globalStorageUri.fsPath,
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
    const started = Date.now();
    // Loaded here, not at activation: the core and its libraries (sql.js, zod, markdown-it …) cost
    // tens of milliseconds to evaluate, which activation must not pay.
    const [{ openContinuum }, { nodeLock }, { openWindowStore }, { executorVerifyPort }, { nodeProcesses }] =
      await Promise.all([
        import('../core/continuum'),
        import('../node/lock'),
        import('../node/endpoint/window'),
        import('../core/agents/verify'),
        import('../node/processes'),
      ]);
    const common = {
      folder,
      fs: nodeFileSystem,
      owner: currentOwner(`VS Code window '${vscode.workspace.name ?? 'no folder'}'`),
      logger: this.logger,
      graphParser: () => new WorkerGraphParser(this.context.asAbsolutePath('dist/graphWorker.js')),
      // git runs only in a trusted workspace; in an untrusted one checkpoints hold the task state alone.
      ...(workspaceFolder && vscode.workspace.isTrusted ? { workspaceFolder } : {}),
      checkpointsKeep: setting('checkpoints.keep'),
    };
    const snapshots = () => workerSnapshotCopies(this.context.asAbsolutePath('dist/storeWorker.js'));
    // This window holds the store and serves the other processes, or — when another window or a
    // CLI run holds it — reads a live replica and sends its writes there (src/node/endpoint/window.ts).
    const windowStore = await openWindowStore({
      storeFolder: folder,
      logger: this.logger,
      open: lock => openContinuum({ ...common, lock, snapshots: snapshots() }),
      replica: () => openContinuum({ ...common, readOnly: true, readOnlyReason: replicaReason, followMs: 250 }),
      readOnly: () => openContinuum({ ...common, lock: nodeLock(), snapshots: snapshots() }),
      trusted: () => vscode.workspace.isTrusted,
      busy: what => this.busyWith(what),
      controlSession: params => this.controlSessionHere(params),
      // an agent's done (through this window) runs the task's verify command under the executor's rules
      ...(workspaceFolder
        ? {
            verify: (core: Continuum) =>
              executorVerifyPort(core, {
                workspace: workspaceFolder,
                processes: nodeProcesses,
                trusted: () => vscode.workspace.isTrusted,
              }),
          }
        : {}),
    });
    this.windowStore = windowStore;
    const core = windowStore.core;
    this.logger.info(
      `store opened in ${folder} (${Date.now() - started} ms)${windowStore.role === 'client' ? `, through pid ${windowStore.holder?.pid} (${windowStore.holder?.kind}), which holds it` : core.store.readOnly ? ', read-only' : ''}`,
    );
    windowStore.onDidChangeCore(next => {
      if (this.windowStore !== windowStore) return;
      this.logger.info(
        windowStore.role === 'holder'
          ? 'this window now holds the store (the process that held it closed)'
          : `this window now works through pid ${windowStore.holder?.pid}, which holds the store`,
      );
      this.opened = next;
      this.opening = Promise.resolve(next);
      this.didOpen.fire(next);
    });
    this.opened = core;
    this.didOpen.fire(core);
    this.reportOpen(core);
    return core;
  }

  private reportOpen(core: Continuum): void {
    const health = core.store.health();
    if (health.recovery.length) {
      for (const line of health.recovery) this.output.warn(line);
      void this.prompter
        .notify('warning', `Continuum repaired its store when opening it: ${health.recovery[0]}`, 'Show Details')
        .then(choice => {
          if (choice) this.output.show(true);
        });
    }
    if (health.readOnly && !health.replica) {
      void this.prompter.notify('warning', `Continuum is read-only in this window: ${health.readOnlyReason}`);
    }
    // Backups are checked after opening, off the path the user waits on.
    void core.store.verifyBackups().then(
      checks => {
        const bad = checks.filter(c => c.problem);
        for (const c of bad)
          this.output.warn(`backup ${c.name} is unusable: ${c.problem}; it was set aside as ${c.name}.bad`);
        this.logger.info(`store: ${checks.length - bad.length} of ${checks.length} backups verified`);
      },
      err => this.logger.error('verifying backups failed', err),
    );
  }
}

/** A command only the store's holder runs could not take the store over; the message says why and what to do. */
export class StoreHeldElsewhere extends Error {
  override readonly name = 'StoreHeldElsewhere';
}
