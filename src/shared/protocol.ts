// Messages between the checkpoint timeline panel (src/vscode/timeline) and its page
// (src/webview/timeline.ts). No vscode, no DOM: both sides import these types.

export interface TimelineEntry {
  id: string;
  createdAt: number;
  /** The checkpoint's note (user text: always rendered as text). */
  note: string;
  trigger: string;
  /** The trigger in the user's words: auto, manual, pause, before a risky action … */
  triggerLabel: string;
  tasksDone: number;
  taskCount: number;
  /** Files changed since the previous snapshot; undefined without a files half. */
  filesChanged?: number;
}

export interface TimelineFile {
  path: string;
  /** What the list says about it: "changed", "added", "written back" … */
  what: string;
}

export interface TimelineDetail {
  id: string;
  /** 'checkpoint': files changed at this checkpoint; 'current': files that differ from now. */
  filesAre: 'checkpoint' | 'current';
  files: TimelineFile[];
  /** False for a checkpoint of the task state only: no file list, no file actions. */
  hasFiles: boolean;
  /** Every task of the checkpoint; `now` is its status today when that differs (or 'deleted'). */
  tasks: Array<{ title: string; status: string; now?: string }>;
}

export type HostToPage =
  | {
      type: 'entries';
      title: string;
      entries: TimelineEntry[];
      /** "Checkpoints: 12 snapshots of the files, 8.4 MB" */ space?: string;
    }
  | { type: 'detail'; detail: TimelineDetail }
  | { type: 'error'; message: string };

export type PageToHost =
  | { type: 'ready' }
  | { type: 'select'; id: string }
  | { type: 'openDiff'; id: string; path: string }
  | { type: 'restore'; id: string }
  | { type: 'compare'; id: string }
  | { type: 'createBranch'; id: string };

/** What the page keeps across reloads (getState/setState; also handed to the panel serializer). */
export interface TimelineState {
  selectedId?: string;
  /** Every task of a checkpoint, not only those that differ from now. */
  allTasks?: boolean;
}
