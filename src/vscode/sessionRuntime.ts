import type * as vscode from 'vscode';
import type { Continuum } from '../core/continuum';

/** Sessions running in this window: their heartbeats live exactly as long as they run here. */
export class SessionRuntime implements vscode.Disposable {
  private heartbeats = new Map<string, { dispose(): void }>();

  running(core: Continuum, sessionId: string): void {
    if (!this.heartbeats.has(sessionId)) this.heartbeats.set(sessionId, core.sessions.startHeartbeat(sessionId));
  }

  stopped(sessionId: string): void {
    this.heartbeats.get(sessionId)?.dispose();
    this.heartbeats.delete(sessionId);
  }

  /** Closing the window leaves a running session running in the store: the next open finds it interrupted. */
  dispose(): void {
    for (const h of this.heartbeats.values()) h.dispose();
    this.heartbeats.clear();
  }
}
