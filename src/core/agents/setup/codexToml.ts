// Codex keeps its MCP servers in ~/.codex/config.toml, one `[mcp_servers.<name>]` table each. With no
// TOML library in the extension, Continuum edits the text: it finds its own table (and its
// sub-tables, such as `[mcp_servers.continuum.env]`) by scanning the lines for table headers,
// skipping multi-line strings and arrays, and appends or replaces only that table.
import type { McpLaunch } from './launch';
import { eolOf, SetupError, type MergeOutcome } from './outcome';

/** A TOML basic string. */
export function tomlString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    // eslint-disable-next-line no-control-regex -- control characters must be escaped in a TOML string
    .replace(/[\u0000-\u001f\u007f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** The table Continuum writes for a server. */
export function codexServerTable(name: string, launch: McpLaunch, eol = '\n'): string {
  return [
    `[mcp_servers.${name}]`,
    `command = ${tomlString(launch.command)}`,
    `args = [${launch.args.map(tomlString).join(', ')}]`,
  ].join(eol);
}

interface Header {
  line: number;
  keys: string[];
}

interface Scan {
  headers: Header[];
  /** Keys set at the top of the file (before any header), and inside each table, by line. */
  keyLines: Array<{ line: number; table: string[]; key: string[] }>;
}

/** Splits a dotted key ('mcp_servers."my server".env') into its parts; undefined when it is not a plain key. */
function splitKey(raw: string): string[] | undefined {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  let at = 0;
  while (at < raw.length) {
    re.lastIndex = at;
    const m = re.exec(raw);
    if (!m) return undefined;
    parts.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : (m[2] ?? m[3]));
    at = re.lastIndex;
    if (m[4] === '') break;
  }
  return parts;
}

/** Finds table headers and keys line by line, outside multi-line strings and multi-line arrays. */
function scan(lines: string[]): Scan {
  const headers: Header[] = [];
  const keyLines: Scan['keyLines'] = [];
  let inString: '"""' | "'''" | undefined;
  let depth = 0;
  let table: string[] = [];
  lines.forEach((line, index) => {
    let rest = line;
    if (inString) {
      const close = rest.indexOf(inString);
      if (close < 0) return;
      rest = rest.slice(close + 3);
      inString = undefined;
    } else if (depth === 0) {
      const header = /^\s*\[(\[?)([^\]]*)\]\]?\s*(#.*)?$/.exec(line);
      if (header) {
        const keys = splitKey(header[2].trim());
        if (keys) {
          headers.push({ line: index, keys });
          table = keys;
          return;
        }
      }
      const key = /^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\s-])+?)\s*=/.exec(line);
      const keys = key && splitKey(key[1]);
      if (keys) keyLines.push({ line: index, table, key: keys });
    }
    // count brackets of values outside strings and comments; note a multi-line string left open
    for (let i = 0; i < rest.length; i++) {
      const c = rest[i];
      if (c === '#') break;
      if (rest.startsWith('"""', i) || rest.startsWith("'''", i)) {
        const delimiter = rest.slice(i, i + 3) as '"""' | "'''";
        const close = rest.indexOf(delimiter, i + 3);
        if (close < 0) {
          inString = delimiter;
          return;
        }
        i = close + 2;
      } else if (c === '"') {
        for (i++; i < rest.length && rest[i] !== '"'; i++) if (rest[i] === '\\') i++;
      } else if (c === "'") {
        const close = rest.indexOf("'", i + 1);
        i = close < 0 ? rest.length : close;
      } else if (c === '[') depth++;
      else if (c === ']') depth = Math.max(0, depth - 1);
    }
  });
  return { headers, keyLines };
}

const startsWith = (keys: string[], prefix: string[]) => prefix.every((k, i) => keys[i] === k);

/**
 * The file with Continuum's server table added, or its old table replaced (a conflict: asked
 * first). A server defined in a form Continuum does not edit (an inline table, dotted keys, a
 * table in pieces) is a SetupError: the person edits it by hand.
 */
export function mergeCodexServer(
  text: string | undefined,
  file: string,
  name: string,
  launch: McpLaunch,
): MergeOutcome {
  const current = text ?? '';
  const eol = eolOf(text);
  const lines = current.split(/\r?\n/);
  const { headers, keyLines } = scan(lines);
  const ours = ['mcp_servers', name];
  const handEdit = `Continuum wrote nothing to it; put this table there yourself:${eol}${codexServerTable(name, launch, eol)}`;
  const inline = keyLines.find(
    k =>
      (!startsWith(k.table, ours) && startsWith([...k.table, ...k.key], ours)) ||
      (k.table.length === 0 && k.key.length === 1 && k.key[0] === 'mcp_servers'),
  );
  if (inline) {
    throw new SetupError(
      `${file} defines the '${name}' MCP server (or all of mcp_servers) with keys on line ${inline.line + 1} rather than as a [mcp_servers.${name}] table. ${handEdit}`,
    );
  }
  const mine = headers.map((h, i) => ({ ...h, index: i })).filter(h => startsWith(h.keys, ours));
  const table = codexServerTable(name, launch, eol);
  if (!mine.length) {
    const trimmed = current.replace(/\s+$/, '');
    return { kind: 'write', text: `${trimmed}${trimmed ? `${eol}${eol}` : ''}${table}${eol}` };
  }
  const first = mine[0];
  if (first.keys.length !== 2 || mine.some((h, i) => h.index !== first.index + i)) {
    throw new SetupError(
      `${file} defines the '${name}' MCP server in pieces (its tables are not together under [mcp_servers.${name}]). ${handEdit}`,
    );
  }
  const startLine = first.line;
  const next = headers[first.index + mine.length];
  let endLine = next ? next.line : lines.length; // exclusive
  // keep the blank lines and comments that lead into the next table with it
  while (endLine > startLine + 1 && /^\s*(#.*)?$/.test(lines[endLine - 1])) endLine--;
  const old = lines.slice(startLine, endLine);
  const normalise = (l: string[]) =>
    l
      .map(s => s.trim())
      .filter(Boolean)
      .join('\n');
  if (normalise(old) === normalise(table.split(eol))) return { kind: 'unchanged' };
  const replaced = [...lines.slice(0, startLine), ...table.split(eol), ...lines.slice(endLine)].join(eol);
  return { kind: 'conflict', text: replaced, existing: old.join(eol) };
}
