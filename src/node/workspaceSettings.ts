// The `continuum.*` settings a workspace keeps in `.vscode/settings.json`, for hosts without VS Code
// (the CLI), so a terminal run honours the same concurrency, error budget and rules as the window.
// Only the workspace's own file is read (not the person's user settings, which live elsewhere per
// platform and profile); a file that cannot be read or parsed is reported and leaves the defaults.
import * as fs from 'fs';
import * as path from 'path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import type { SettingsSource } from '../core/settings';

export interface WorkspaceSettings {
  source: SettingsSource;
  /** What was wrong with the file, if anything: the caller says it. */
  problem?: string;
}

export function workspaceSettings(workspace: string): WorkspaceSettings {
  const file = path.join(workspace, '.vscode', 'settings.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { source: () => undefined };
    return {
      source: () => undefined,
      problem: `${file} could not be read (${(err as Error).message}); the default settings apply`,
    };
  }
  const errors: ParseError[] = [];
  const values = parse(text, errors, { allowTrailingComma: true }) as unknown;
  if (errors.length || !values || typeof values !== 'object' || Array.isArray(values)) {
    const why = errors.length
      ? `${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}`
      : 'it is not a JSON object';
    return {
      source: () => undefined,
      problem: `${file} is not valid settings JSON (${why}); the default settings apply`,
    };
  }
  const settings = values as Record<string, unknown>;
  return { source: key => settings[`continuum.${key}`] }; // VS Code's own form: dotted keys
}
