// Messages between the store (extension host thread) and its snapshot copy's worker.
import type { OpenedSnapshot } from '../core/store/snapshotCopy';

export type StoreWorkerRequest =
  | { kind: 'load'; database: Uint8Array | undefined; seq: number; check: boolean }
  | { kind: 'loadFile'; snapshotFile: Uint8Array }
  | { kind: 'apply'; journal: Uint8Array; upTo: number }
  | { kind: 'snapshot'; id: number; seq: number; backup: boolean }
  | { kind: 'checkBackup'; id: number; raw: Uint8Array; latestSchemaVersion: number };

export type StoreWorkerReply =
  | { kind: 'checked'; result: string }
  | { kind: 'opened'; result: OpenedSnapshot | string }
  | { kind: 'snapshot'; id: number; snapshot: Uint8Array; backup?: Uint8Array }
  | { kind: 'backupChecked'; id: number; result: string }
  | { kind: 'error'; id?: number; message: string };
