// A MemoryFileSystem that "crashes" before its n-th change to the disk: from then on nothing it is
// asked to write reaches the files, and `onDisk` is what a process started after the crash would
// find. Counting every write, append, removal and folder creation lets a test stop a sequence of
// steps (a compaction) at each of its boundaries in turn.
import type { AppendOnlyFile } from '../../../src/core/ports';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';

export class CrashPointFileSystem extends MemoryFileSystem {
  /** Changes made so far. */
  changes = 0;
  /** The change before which the crash happens; Infinity: never. */
  crashAt = Infinity;
  private frozen: Map<string, Uint8Array> | undefined;

  /** The files as they were when the crash came (or now, when it has not come). */
  get onDisk(): Map<string, Uint8Array> {
    return new Map(this.frozen ?? this.files);
  }

  get crashed(): boolean {
    return this.frozen !== undefined;
  }

  override async writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
    this.step();
    return super.writeFileAtomic(file, data);
  }

  override async openAppendOnly(file: string): Promise<AppendOnlyFile> {
    this.step();
    const inner = await super.openAppendOnly(file);
    return {
      append: async data => {
        this.step();
        await inner.append(data);
      },
      close: () => inner.close(),
    };
  }

  override async remove(file: string): Promise<void> {
    this.step();
    return super.remove(file);
  }

  private step(): void {
    if (this.changes++ >= this.crashAt) {
      this.frozen ??= new Map(this.files);
      throw new Error('simulated crash: the process died here');
    }
  }
}

/** A fresh file system holding `files`: the disk as the next process finds it. */
export function restarted(files: Map<string, Uint8Array>): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  for (const [name, data] of files) fs.files.set(name, new Uint8Array(data));
  return fs;
}
