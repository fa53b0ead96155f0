// The workspace as the model sees it: paths relative to the workspace folder, refused when they lead
// outside it — by "..", an absolute path elsewhere, or a symbolic link whose target is outside
// (checked on the real paths, the nearest existing folder for a file not created yet). The host
// brings the file operations (WorkspaceFilesPort): atomic writes in the CLI, later a WorkspaceEdit
// in VS Code. Reading tools are here; edits are two recorded steps in the action (lm.ts).
import * as path from 'path';

export interface WorkspaceFilesPort {
  /** The path with every symbolic link resolved; undefined when it does not exist. */
  realPath(p: string): Promise<string | undefined>;
  /** A file's text; undefined when it does not exist. */
  readText(p: string): Promise<string | undefined>;
  /** Replaces or creates the file (and its folders) so a reader sees the old text or the new, never a mix. */
  writeText(p: string, text: string): Promise<void>;
  /** A folder's entries; [] when it does not exist. */
  entries(dir: string): Promise<Array<{ name: string; folder: boolean }>>;
}

/** A refusal the model is told about (the task goes on): its message says what to do instead. */
export class ToolRefused extends Error {}

const inside = (root: string, target: string) => {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

/** Folders the model never writes in or lists: the repository's own and installed packages. */
const hiddenFolders = new Set(['.git', 'node_modules']);

/**
 * The absolute path of `relative` in the workspace, after checking that it and its real path (links
 * followed) lie inside. `forWrite`: also refused inside .git.
 */
export async function workspacePath(
  workspace: string,
  relative: string,
  files: Pick<WorkspaceFilesPort, 'realPath'>,
  forWrite = false,
): Promise<string> {
  const root = path.resolve(workspace);
  const target = path.resolve(root, relative || '.');
  if (!inside(root, target))
    throw new ToolRefused(
      `'${relative}' is outside the workspace; use a path relative to the workspace folder, inside it.`,
    );
  const realRoot = (await files.realPath(root)) ?? root;
  // the nearest part that exists decides where a link leads; what is below it does not exist yet
  let existing = target;
  let real: string | undefined;
  for (;;) {
    real = await files.realPath(existing);
    if (real !== undefined || existing === root) break;
    existing = path.dirname(existing);
  }
  const realTarget = path.join(real ?? realRoot, path.relative(existing, target));
  if (!inside(realRoot, realTarget))
    throw new ToolRefused(
      `'${relative}' leads outside the workspace through a symbolic link (it is really ${realTarget}); only files inside the workspace can be read or changed.`,
    );
  if (
    forWrite &&
    path
      .relative(realRoot, realTarget)
      .split(path.sep)
      .some(part => part === '.git')
  ) {
    throw new ToolRefused(`'${relative}' is inside the repository's .git folder, which the model does not change.`);
  }
  return target;
}

export const readLimitChars = 200_000;

/** The text of a file, its lines numbered from 1, optionally a range of them. */
export async function readFileTool(
  workspace: string,
  files: WorkspaceFilesPort,
  input: { path: string; startLine?: number; endLine?: number },
): Promise<string> {
  const abs = await workspacePath(workspace, input.path, files);
  const text = await files.readText(abs);
  if (text === undefined) throw new ToolRefused(`'${input.path}' does not exist; list_files shows what does.`);
  const lines = text.split('\n');
  const from = Math.max(1, input.startLine ?? 1);
  const to = Math.min(lines.length, input.endLine ?? lines.length);
  let out = lines.slice(from - 1, to).join('\n');
  if (out.length > readLimitChars)
    out = `${out.slice(0, readLimitChars)}\n[… cut at ${readLimitChars} characters; read a range of lines with startLine and endLine]`;
  return out;
}

const listLimit = 1000;

/** The files under a folder (recursive unless told not), relative to the workspace, folders ending in '/'. */
export async function listFilesTool(
  workspace: string,
  files: WorkspaceFilesPort,
  input: { path?: string; recursive?: boolean },
): Promise<string> {
  const abs = await workspacePath(workspace, input.path ?? '.', files);
  const root = path.resolve(workspace);
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await files.entries(dir)).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (out.length >= listLimit) return;
      if (e.folder && hiddenFolders.has(e.name)) continue;
      const rel = path.relative(root, path.join(dir, e.name)).split(path.sep).join('/');
      out.push(e.folder ? `${rel}/` : rel);
      if (e.folder && input.recursive !== false) await walk(path.join(dir, e.name));
    }
  };
  await walk(abs);
  if (!out.length) return '(no files)';
  return (
    out.join('\n') +
    (out.length >= listLimit ? `\n[… the first ${listLimit} entries; list a folder below this one for more]` : '')
  );
}

const searchLimit = 200;

/** Lines matching a regular expression (or, when it is not one, the text), as "file:line: text". */
export async function searchFilesTool(
  workspace: string,
  files: WorkspaceFilesPort,
  input: { pattern: string; path?: string },
): Promise<string> {
  let re: RegExp;
  try {
    re = new RegExp(input.pattern);
  } catch {
    re = new RegExp(input.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
  const listed = await listFilesTool(workspace, files, { path: input.path ?? '.', recursive: true });
  const out: string[] = [];
  for (const rel of listed.split('\n')) {
    if (rel.endsWith('/') || rel.startsWith('(') || rel.startsWith('[')) continue;
    const text = await files.readText(path.join(path.resolve(workspace), rel));
    if (text === undefined || text.includes('\u0000')) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length && out.length < searchLimit; i++) {
      if (re.test(lines[i])) out.push(`${rel}:${i + 1}: ${lines[i].slice(0, 300)}`);
    }
    if (out.length >= searchLimit) break;
  }
  if (!out.length) return 'No matches.';
  return (
    out.join('\n') +
    (out.length >= searchLimit ? `\n[… the first ${searchLimit} matches; narrow the pattern or the path]` : '')
  );
}
