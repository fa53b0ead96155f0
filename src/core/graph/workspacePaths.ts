// File ids: a path relative to its workspace folder, with `/`. With several folders, the id starts
// with the folder's name, as VS Code shows it ("api/src/a.ts").

export interface WorkspacePaths {
  toId(absolutePath: string): string | undefined;
  toPath(id: string): string;
}

export function normalizePath(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  return slashed.length > 1 ? slashed.replace(/\/+$/, '') : slashed;
}

export function workspacePaths(roots: readonly string[]): WorkspacePaths {
  const folders = roots.map(normalizePath);
  const multi = folders.length > 1;
  const prefixOf = (root: string) => (multi ? `${root.slice(root.lastIndexOf('/') + 1)}/` : '');
  return {
    toId(absolutePath) {
      const path = normalizePath(absolutePath);
      for (const root of folders) {
        if (path.startsWith(`${root}/`)) return prefixOf(root) + path.slice(root.length + 1);
      }
      return undefined;
    },
    toPath(id) {
      if (!multi) return `${folders[0]}/${id}`;
      const slash = id.indexOf('/');
      const root = folders.find(r => prefixOf(r) === id.slice(0, slash + 1)) ?? folders[0];
      return `${root}/${id.slice(slash + 1)}`;
    },
  };
}

/** `a/b/../c` → `a/c`; undefined when it climbs above the top. */
export function joinId(dir: string, relative: string): string | undefined {
  const parts = dir ? dir.split('/') : [];
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

export function dirOf(id: string): string {
  const slash = id.lastIndexOf('/');
  return slash < 0 ? '' : id.slice(0, slash);
}
