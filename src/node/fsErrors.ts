// What a file system error says about a path, for code that reads the disk as it finds it.

/** The path is gone, or may not be read: treated as missing (the graph's worker, its folder watches). */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM';
}
