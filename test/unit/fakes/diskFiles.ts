// Files on the real disk for tests that run real processes on a folder (the CLI, the graph's worker).
import * as fs from 'fs';
import * as path from 'path';

/** Writes `files` (relative path → text) under `root`, making the folders they need. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
}
