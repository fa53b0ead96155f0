// The resource monitor's probe in Node: V8's heap against its limit, and free disk space (statfs).
import * as fs from 'fs';
import * as v8 from 'v8';
import type { ResourceProbe } from '../core/execution/guards/resources';

export const nodeResources: ResourceProbe = {
  memory: () => ({ usedBytes: process.memoryUsage().heapUsed, limitBytes: v8.getHeapStatistics().heap_size_limit }),
  async freeDiskBytes(path) {
    try {
      const s = await fs.promises.statfs(path);
      return s.bavail * s.bsize;
    } catch {
      return undefined; // a folder that is gone or a file system without statfs: no figure, no warning
    }
  },
};
