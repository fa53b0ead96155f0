// The resource monitor: samples the extension host's memory and the free disk space where the
// store and the workspace live, fits a line through recent samples, and warns at least five
// minutes before a projected exhaustion. Execution pauses when the disk is critically low.
import type { Clock } from '../../ports';

/** What the monitor reads from its host. */
export interface ResourceProbe {
  /** Bytes used and the limit they may grow to (e.g. V8's heap limit). */
  memory(): { usedBytes: number; limitBytes: number };
  /** Free bytes on the disk holding `path`; undefined when it cannot be told. */
  freeDiskBytes(path: string): Promise<number | undefined>;
}

export interface ResourceSample {
  at: number;
  memoryUsed: number;
  memoryLimit: number;
  /** The smallest free space among the watched folders. */
  diskFree?: number;
}

export interface ResourceSettings {
  /** Warn when exhaustion is projected within this time (default 15 min; never under 6). */
  warnWithinMs: number;
  /** Free disk below this pauses execution (default 200 MB). */
  criticalDiskBytes: number;
  /** Samples kept for the trend (default 30). */
  keep: number;
}

export const defaultResourceSettings: ResourceSettings = {
  warnWithinMs: 15 * 60_000,
  criticalDiskBytes: 200 * 1024 * 1024,
  keep: 30,
};

export interface ResourceForecast {
  resource: 'memory' | 'disk';
  /** Bytes per minute (negative: shrinking headroom). */
  trendPerMinute: number;
  /** Epoch ms of projected exhaustion, when the trend heads there. */
  exhaustedAt?: number;
}

export interface ResourceStatus {
  latest?: ResourceSample;
  forecasts: ResourceForecast[];
  /** A warning to show, when exhaustion is near. */
  warning?: string;
  /** Disk critically low: the executor pauses. */
  pause?: string;
}

/** Least-squares slope and intercept of y over x; undefined with fewer than 3 points or no spread in x. */
export function linearFit(
  points: ReadonlyArray<{ x: number; y: number }>,
): { slope: number; intercept: number } | undefined {
  const n = points.length;
  if (n < 3) return undefined;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
    sxx += p.x * p.x;
    sxy += p.x * p.y;
  }
  const d = n * sxx - sx * sx;
  if (d === 0) return undefined;
  const slope = (n * sxy - sx * sy) / d;
  return { slope, intercept: (sy - slope * sx) / n };
}

/**
 * How many samples, over how long, a forecast needs to mean something: a line through three
 * samples seconds apart (three clicks on Show Health) projects noise minutes ahead.
 */
export const forecastMinimum = { samples: 5, spanMs: 3 * 60_000 };

/** Whether these points are enough for a forecast (forecastMinimum). */
export function enoughForForecast(points: ReadonlyArray<{ x: number }>): boolean {
  return (
    points.length >= forecastMinimum.samples && points[points.length - 1].x - points[0].x >= forecastMinimum.spanMs
  );
}

/** When headroom (y) reaches zero if the fitted trend goes on; undefined when it is not shrinking, or with too few samples to tell. */
export function projectExhaustion(
  points: ReadonlyArray<{ x: number; y: number }>,
): { slope: number; at?: number } | undefined {
  if (!enoughForForecast(points)) return undefined;
  const fit = linearFit(points);
  if (!fit) return undefined;
  if (fit.slope >= 0) return { slope: fit.slope };
  return { slope: fit.slope, at: -fit.intercept / fit.slope };
}

export class ResourceMonitor {
  private readonly settings: ResourceSettings;
  private readonly samples: ResourceSample[] = [];

  constructor(
    private readonly probe: ResourceProbe,
    private readonly folders: readonly string[],
    private readonly clock: Clock,
    settings: Partial<ResourceSettings> = {},
  ) {
    this.settings = { ...defaultResourceSettings, ...settings };
    // never less than 5 min plus a sampling interval's margin, so a warning always comes 5 min ahead
    this.settings.warnWithinMs = Math.max(6 * 60_000, this.settings.warnWithinMs);
  }

  async sample(): Promise<ResourceStatus> {
    const memory = this.probe.memory();
    const free = (await Promise.all(this.folders.map(f => this.probe.freeDiskBytes(f)))).filter(
      (b): b is number => b !== undefined,
    );
    this.samples.push({
      at: this.clock.now(),
      memoryUsed: memory.usedBytes,
      memoryLimit: memory.limitBytes,
      ...(free.length ? { diskFree: Math.min(...free) } : {}),
    });
    if (this.samples.length > this.settings.keep) this.samples.shift();
    return this.status();
  }

  history(): readonly ResourceSample[] {
    return this.samples;
  }

  status(): ResourceStatus {
    const now = this.clock.now();
    const latest = this.samples[this.samples.length - 1];
    const forecasts: ResourceForecast[] = [];
    const memory = projectExhaustion(this.samples.map(s => ({ x: s.at, y: s.memoryLimit - s.memoryUsed })));
    if (memory)
      forecasts.push({
        resource: 'memory',
        trendPerMinute: memory.slope * 60_000,
        ...(memory.at !== undefined ? { exhaustedAt: memory.at } : {}),
      });
    const withDisk = this.samples.filter(s => s.diskFree !== undefined);
    const disk = projectExhaustion(withDisk.map(s => ({ x: s.at, y: s.diskFree! - this.settings.criticalDiskBytes })));
    if (disk)
      forecasts.push({
        resource: 'disk',
        trendPerMinute: disk.slope * 60_000,
        ...(disk.at !== undefined ? { exhaustedAt: disk.at } : {}),
      });
    const soon = forecasts
      .filter(f => f.exhaustedAt !== undefined && f.exhaustedAt - now <= this.settings.warnWithinMs)
      .sort((a, b) => a.exhaustedAt! - b.exhaustedAt!)[0];
    const status: ResourceStatus = { ...(latest ? { latest } : {}), forecasts };
    if (soon) {
      const minutes = Math.max(0, Math.round((soon.exhaustedAt! - now) / 60_000));
      status.warning =
        soon.resource === 'disk'
          ? `Free disk space is running out: at the current rate it is critically low in about ${minutes} min. Free some space (old builds, caches) or the session will pause.`
          : `The extension host's memory is filling up: at the current rate it runs out in about ${minutes} min. Pause the session or reload the window before then.`;
    }
    if (latest?.diskFree !== undefined && latest.diskFree < this.settings.criticalDiskBytes) {
      status.pause = `Only ${Math.round(latest.diskFree / 1024 / 1024)} MB of disk space is left (below ${Math.round(this.settings.criticalDiskBytes / 1024 / 1024)} MB), so the session was paused before a write could fail. Free some space, then resume the session.`;
    }
    return status;
  }
}
