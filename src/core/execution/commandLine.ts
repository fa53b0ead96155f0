// Turning a task's command into a process to start. Pure.
//
// A command is run without a shell where possible: a plain command line ("npm run build",
// "node 'my script.js'") is split into a program and its arguments here, so no string is ever
// re-parsed by a shell. Only a task that asks for a shell (`shell: true`), or whose command line
// uses what only a shell understands (pipes, &&, redirections, variables, globs) and that did not
// say `shell: false`, goes through one —
// the command as the person wrote it, never built by concatenating values.
import * as path from 'path';

export interface CommandSpec {
  command: string;
  args: string[];
  shell: boolean;
}

const shellOnly = /[|&;<>()$`*?[\]{}~!#\n]/;

/**
 * Splits a command line on blanks, honouring '…' and "…" quotes and backslash escapes. Undefined
 * when it needs a shell — unless `literal`, where what a shell would interpret is kept as plain
 * text (the task said `shell: false`); then undefined only for an unclosed quote.
 */
export function splitCommandLine(line: string, literal = false): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) word += line[++i];
      else if (quote === '"' && (c === '$' || c === '`') && !literal) return undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (shellOnly.test(c) && !literal) {
      return undefined;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}

/** The process for a command (plus explicit arguments when given). Throws when there is nothing to run. */
export function commandSpec(
  command: string,
  args: readonly string[] | undefined,
  shell: boolean | undefined,
): CommandSpec {
  const trimmed = command.trim();
  if (!trimmed) throw new Error('The task has an empty command. Edit the task and give it a command to run.');
  if (shell) return { command: trimmed, args: [...(args ?? [])], shell: true };
  if (args) return { command: trimmed, args: [...args], shell: false };
  if (shell === false) {
    // an explicit choice wins: no shell, whatever the line holds
    const literal = splitCommandLine(trimmed, true);
    if (!literal?.length)
      throw new Error(
        `The task's command has an unclosed quote: ${trimmed}. It says shell: false, so it is split into words by Continuum; close the quote, or give the program and its arguments separately (args).`,
      );
    return { command: literal[0], args: literal.slice(1), shell: false };
  }
  const words = splitCommandLine(trimmed);
  if (!words || !words.length) return { command: trimmed, args: [], shell: true };
  return { command: words[0], args: words.slice(1), shell: false };
}

/** The command as a person reads it, for logs and confirmations. */
export function describeCommand(spec: CommandSpec): string {
  if (spec.shell) return spec.args.length ? `${spec.command} ${spec.args.join(' ')}` : spec.command;
  return [spec.command, ...spec.args]
    .map(w => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/**
 * The folder to run in: `cwd` resolved against the workspace, refused when it lands outside it
 * ("..", an absolute path elsewhere). Symbolic links are not followed here: see `realWorkspaceCwd`.
 */
export function workspaceCwd(
  workspace: string,
  cwd: string | undefined,
  p: Pick<typeof path, 'resolve' | 'relative' | 'isAbsolute' | 'sep'> = path,
): string {
  const root = p.resolve(workspace);
  const target = p.resolve(root, cwd ?? '.');
  const rel = p.relative(root, target);
  if (rel === '' || (rel !== '..' && !rel.startsWith(`..${p.sep}`) && !p.isAbsolute(rel))) return target;
  throw new Error(
    `The task's folder '${cwd}' is outside the workspace (${root}). Continuum runs commands only inside the workspace; edit the task's cwd to a folder inside it.`,
  );
}

/**
 * `workspaceCwd`, then the same check on the real paths (symbolic links followed by the host's
 * `realPath`): a link inside the workspace that leads outside it is refused, as is a missing folder.
 */
export async function realWorkspaceCwd(
  workspace: string,
  cwd: string | undefined,
  realPath: (p: string) => Promise<string | undefined>,
): Promise<string> {
  const target = workspaceCwd(workspace, cwd);
  const root = path.resolve(workspace);
  const [realRoot, realTarget] =
    target === root
      ? await realPath(root).then(real => [real, real])
      : await Promise.all([realPath(root), realPath(target)]);
  if (realTarget === undefined) {
    throw new Error(
      `The task's folder '${cwd ?? '.'}' does not exist (${target}). Create it, or edit the task's cwd to a folder that exists inside the workspace.`,
    );
  }
  const rel = path.relative(realRoot ?? root, realTarget);
  if (rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))) return target;
  throw new Error(
    `The task's folder '${cwd}' leads outside the workspace through a symbolic link: it is really ${realTarget}. ` +
      `Continuum runs commands only inside the workspace; edit the task's cwd to a real folder inside it, or copy what the command needs into the workspace instead of linking to it.`,
  );
}
