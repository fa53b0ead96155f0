// Reading `git diff-tree -r -z --no-renames` output (raw format).

export const gitlinkMode = '160000';

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'type-changed';

export interface TreeChange {
  path: string;
  /** From the first tree to the second. */
  kind: ChangeKind;
  oldMode: string;
  newMode: string;
}

const kinds: Record<string, ChangeKind> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed' };

export function parseRawDiff(out: string): TreeChange[] {
  const parts = out.split('\0');
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i];
    if (!meta.startsWith(':')) continue;
    const [oldMode, newMode, , , status] = meta.slice(1).split(' ');
    changes.push({ path: parts[i + 1], kind: kinds[status.charAt(0)] ?? 'modified', oldMode, newMode });
  }
  return changes;
}
