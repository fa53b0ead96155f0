// Which package.json files are workspace packages: those the package manager declares — `workspaces`
// in package.json (npm, yarn, bun: a list or `{ packages }`), `packages` in pnpm-workspace.yaml and in
// lerna.json (nx and turbo take their members from these) — and the workspace roots themselves.
// A package.json elsewhere (a stub a build copied in, a test fixture) is a folder's entry point only.
import { wildcardRegExp } from './globs';
import { parseJson } from './tsconfigReader';
import { joinId } from './workspacePaths';

/** Member patterns (workspace ids, with wildcards; `!` first for a negation) declared in the folder `dirId`. */
export function declaredMembers(dirId: string, read: (name: string) => string | undefined): string[] | undefined {
  const patterns: string[] = [];
  let declared = false;
  const pkg = parseJson(read('package.json'));
  const workspaces = Array.isArray(pkg?.workspaces)
    ? pkg.workspaces
    : isObject(pkg?.workspaces)
      ? pkg.workspaces.packages
      : undefined;
  if (Array.isArray(workspaces)) {
    declared = true;
    patterns.push(...workspaces.filter((p): p is string => typeof p === 'string'));
  }
  const pnpm = read('pnpm-workspace.yaml');
  if (pnpm !== undefined) {
    declared = true;
    patterns.push(...pnpmPackages(pnpm));
  }
  const lerna = parseJson(read('lerna.json'));
  if (lerna) {
    declared = true;
    patterns.push(
      ...(Array.isArray(lerna.packages)
        ? lerna.packages.filter((p): p is string => typeof p === 'string')
        : ['packages/*']),
    );
  }
  if (!declared) return undefined;
  return patterns.flatMap(p => {
    const negated = p.startsWith('!');
    const id = joinId(dirId, p.slice(negated ? 1 : 0).replace(/\/+$/, ''));
    return id === undefined ? [] : [negated ? `!${id}` : id];
  });
}

/** Whether the folder `dirId` is matched by the patterns: by one of them, and by no negation after it. */
export function isMember(dirId: string, patterns: readonly string[]): boolean {
  let member = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (wildcardRegExp(negated ? p.slice(1) : p).test(dirId)) member = !negated;
  }
  return member;
}

/**
 * The `packages:` list of a pnpm-workspace.yaml: a block list (`- 'a/*'`) or a flow list (`['a/*', 'b']`),
 * quoted or not, with comments. The rest of the file (catalogs, settings) is not ours to read.
 */
export function pnpmPackages(yaml: string): string[] {
  const lines = yaml.split(/\r?\n/);
  const start = lines.findIndex(l => /^packages\s*:/.test(l));
  if (start < 0) return [];
  const inline = stripComment(lines[start].replace(/^packages\s*:/, '')).trim();
  if (inline.startsWith('['))
    return inline
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map(unquote)
      .filter(Boolean);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const text = stripComment(line);
    if (!text.trim()) continue;
    if (!/^\s/.test(text)) break; // the next top-level key
    const item = /^\s*-\s*(.*)$/.exec(text);
    if (item) out.push(unquote(item[1]));
  }
  return out.filter(Boolean);
}

/** A `#` outside quotes starts a comment. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function unquote(value: string): string {
  const v = value.trim();
  return /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
