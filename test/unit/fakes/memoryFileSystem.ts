// An in-memory FileSystemPort: every write is "durable" at once. Tests poke `files` directly to
// simulate damage, and set `failWrites` to simulate a full disk.
import * as path from 'path';
import type { AppendOnlyFile, FileSystemPort } from '../../../src/core/ports';

export class MemoryFileSystem implements FileSystemPort {
  readonly files = new Map<string, Uint8Array>();
  readonly folders = new Set<string>(['/']);
  failWrites: string | undefined;
  appends = 0;

  async readFile(file: string): Promise<Uint8Array | undefined> {
    const data = this.files.get(file);
    return data && new Uint8Array(data);
  }

  async readFrom(file: string, offset: number): Promise<Uint8Array | undefined> {
    const data = this.files.get(file);
    return data && data.slice(Math.min(offset, data.length));
  }

  async writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
    this.check(file);
    this.files.set(file, new Uint8Array(data));
  }

  async openAppendOnly(file: string): Promise<AppendOnlyFile> {
    this.check(file);
    if (!this.files.has(file)) this.files.set(file, new Uint8Array());
    return {
      append: async data => {
        this.check(file);
        this.appends++;
        const old = this.files.get(file) ?? new Uint8Array();
        const next = new Uint8Array(old.length + data.length);
        next.set(old);
        next.set(data, old.length);
        this.files.set(file, next);
      },
      close: async () => undefined,
    };
  }

  async list(dir: string): Promise<string[]> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.folders]) {
      if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]);
    }
    names.delete('');
    return [...names];
  }

  async mkdirp(dir: string): Promise<void> {
    for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) this.folders.add(d);
  }

  async remove(file: string): Promise<void> {
    this.files.delete(file);
  }

  async size(file: string): Promise<number | undefined> {
    return this.files.get(file)?.length;
  }

  /** Names of files under `dir` matching `pattern`. */
  find(dir: string, pattern: RegExp): string[] {
    return [...this.files.keys()].filter(f => f.startsWith(dir) && pattern.test(path.basename(f)));
  }

  private check(file: string): void {
    if (this.failWrites) throw Object.assign(new Error(`${this.failWrites}: ${file}`), { code: 'ENOSPC' });
  }
}
