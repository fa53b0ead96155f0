// The Knowledge Graph view's folder level, as a pure function of the file ids (unit-tested without VS Code).

export interface FolderListing {
  folders: string[];
  files: string[];
}

/** The sub-folders and files directly inside `folder` ('' for the top), folders first, each sorted. */
export function listFolder(fileIds: readonly string[], folder: string): FolderListing {
  const prefix = folder ? `${folder}/` : '';
  const folders = new Set<string>();
  const files: string[] = [];
  for (const id of fileIds) {
    if (!id.startsWith(prefix)) continue;
    const rest = id.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) files.push(id);
    else folders.add(prefix + rest.slice(0, slash));
  }
  return { folders: [...folders].sort(), files: files.sort() };
}
