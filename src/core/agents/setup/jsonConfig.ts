// Merging into an agent's JSON (or JSON with comments) settings file with jsonc-parser's edits, so
// comments, other servers, other settings and the file's layout outside the edited part stay.
// the ESM build: the UMD one requires its parts at run time, which a bundle cannot follow
import {
  applyEdits,
  modify,
  parseTree,
  findNodeAtLocation,
  getNodeValue,
  printParseErrorCode,
  type JSONPath,
  type Node,
  type ParseError,
} from 'jsonc-parser/lib/esm/main.js';
import { eolOf, lineAndColumn, SetupError, type MergeOutcome } from './outcome';

/** The parsed root object of a settings file; a malformed file or one whose root is not an object is a SetupError. */
export function parseSettingsObject(text: string, file: string): Node | undefined {
  if (!text.trim()) return undefined;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0];
    throw new SetupError(
      `${file} is not valid JSON (${printParseErrorCode(e.error)} at ${lineAndColumn(text, e.offset)}); Continuum wrote nothing to it. Fix the file, or remove it, and run Set Up Agents again.`,
    );
  }
  if (root?.type !== 'object') {
    throw new SetupError(
      `${file} does not hold a JSON object at its top; Continuum wrote nothing to it. Fix the file and run Set Up Agents again.`,
    );
  }
  return root;
}

/** Sets `path` to `value` in the text, keeping everything else; a new file becomes an object holding it. */
export function setJsonValue(
  text: string,
  path: JSONPath,
  value: unknown,
  options: { insertAt?: number } = {},
): string {
  const eol = eolOf(text);
  const edits = modify(
    text.trim() ? text : '{}',
    options.insertAt === undefined ? path : [...path, options.insertAt],
    value,
    {
      formattingOptions: { insertSpaces: true, tabSize: 2, eol },
      ...(options.insertAt === undefined ? {} : { isArrayInsertion: true }),
    },
  );
  const merged = applyEdits(text.trim() ? text : '{}', edits);
  return merged.endsWith(eol) ? merged : merged + eol;
}

/** Whether two JSON values are the same (object key order aside). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return (
      sameJson(ka, kb) && ka.every(k => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

/**
 * Puts the server entry `name` under `serversKey` ('mcpServers' for Claude Code, Cursor, Cline and
 * Gemini CLI; 'servers' for VS Code). Other servers are kept; an existing, different entry of the
 * same name is a conflict (replaced only when the person agrees).
 */
export function mergeJsonServer(
  text: string | undefined,
  file: string,
  serversKey: string,
  name: string,
  entry: Record<string, unknown>,
): MergeOutcome {
  const current = text ?? '';
  const root = parseSettingsObject(current, file);
  const servers = root && findNodeAtLocation(root, [serversKey]);
  if (servers && servers.type !== 'object') {
    throw new SetupError(
      `"${serversKey}" in ${file} is not an object; Continuum wrote nothing to it. Fix the file and run Set Up Agents again.`,
    );
  }
  const existing = servers && findNodeAtLocation(servers, [name]);
  const merged = setJsonValue(current, [serversKey, name], entry);
  if (!existing) return { kind: 'write', text: merged };
  const value: unknown = getNodeValue(existing);
  if (sameJson(value, entry)) return { kind: 'unchanged' };
  return { kind: 'conflict', text: merged, existing: JSON.stringify(value) };
}

/** Whether a settings text (possibly malformed: then as far as it reads) names server `name` under `serversKey`. */
export function hasJsonServer(text: string, serversKey: string, name: string): boolean {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const entry = root && findNodeAtLocation(root, [serversKey, name]);
  return entry?.type === 'object';
}
