// Wildcard patterns as TypeScript's tsconfig (`include`/`exclude`) and the package managers'
// workspace lists write them, over workspace ids: `**` any number of folders, `*` any characters
// but `/`, `?` one character but `/`.

/** `pattern` (an id-like path with wildcards) as a regular expression over whole ids. */
export function wildcardRegExp(pattern: string): RegExp {
  return new RegExp(`^${wildcardSource(pattern)}$`);
}

/** Like TypeScript's `include`: a last segment without a wildcard or a dot names a folder, so everything below it. */
export function includeRegExp(pattern: string): RegExp {
  const last = pattern.slice(pattern.lastIndexOf('/') + 1);
  const folder = !/[*?.]/.test(last) || last === '..' || last === '.';
  return wildcardRegExp(folder ? (pattern ? `${pattern}/**/*` : '**/*') : pattern);
}

/** Like TypeScript's `exclude`: the pattern excludes what it names and everything below it. */
export function excludeRegExp(pattern: string): RegExp {
  return new RegExp(pattern ? `^${wildcardSource(pattern)}(?:/.*)?$` : '^');
}

function wildcardSource(pattern: string): string {
  const parts = pattern.split('/');
  let source = '';
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    source += part
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]');
    if (!last) source += '/';
  });
  return source;
}
