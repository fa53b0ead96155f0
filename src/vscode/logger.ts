import * as vscode from 'vscode';
import type { Logger } from '../core/ports';

/** The core's Logger over the "Continuum" output channel. */
export function outputLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    info: m => channel.info(m),
    warn: m => channel.warn(m),
    error: (m, err) =>
      channel.error(
        err instanceof Error ? `${m}: ${err.stack ?? err.message}` : err === undefined ? m : `${m}: ${String(err)}`,
      ),
  };
}
