// The flow monitor: over a sliding window of executor events (and file saves) it works out whether
// work is idle, warming up, in flow or struggling, from actions per minute and the error rate. Pure
// state over an injected clock.
import type { Clock } from '../../ports';

export type FlowState = 'idle' | 'warming up' | 'in flow' | 'struggling';
/** A task started ('action') or ended ('done'), a try failed ('error'), a file was saved ('save'). */
export type FlowEvent = 'action' | 'done' | 'error' | 'save';

export interface FlowSettings {
  /** The sliding window (default 5 min). */
  windowMs: number;
  /** Actions per minute at or above which work counts as flowing (default 1). */
  flowingRate: number;
  /** How long activity must last before it counts as flow (default 2 min). */
  sustainedMs: number;
  /** Error rate (errors / actions) at or above which work is struggling (default 0.5). */
  strugglingErrorRate: number;
}

export const defaultFlowSettings: FlowSettings = {
  windowMs: 5 * 60_000,
  flowingRate: 1,
  sustainedMs: 2 * 60_000,
  strugglingErrorRate: 0.5,
};

export interface FlowStatus {
  state: FlowState;
  actionsPerMinute: number;
  /** 0–1: errors per action in the window. */
  errorRate: number;
  /** Actions in the window: tasks started and ended, files saved. */
  actions: number;
  errors: number;
  /** Of the actions, tasks started in the window. */
  tasks: number;
  /** Of the actions, files saved in the window. */
  saves: number;
  /** Tasks running now, when whoever asks knows (the guards do). */
  running?: number;
}

export class FlowMonitor {
  private readonly settings: FlowSettings;
  private events: Array<{ at: number; kind: FlowEvent }> = [];

  constructor(
    private readonly clock: Clock,
    settings: Partial<FlowSettings> = {},
  ) {
    this.settings = { ...defaultFlowSettings, ...settings };
  }

  record(kind: FlowEvent): void {
    this.events.push({ at: this.clock.now(), kind });
    if (this.events.length > 4096) this.expire();
  }

  status(): FlowStatus {
    this.expire();
    return flowOf(this.events, this.clock.now(), this.settings);
  }

  private expire(): void {
    const cutoff = this.clock.now() - this.settings.windowMs;
    let i = 0;
    while (i < this.events.length && this.events[i].at <= cutoff) i++;
    if (i) this.events = this.events.slice(i);
  }
}

/** The flow state of the events in a window ending at `now`. */
export function flowOf(
  events: ReadonlyArray<{ at: number; kind: FlowEvent }>,
  now: number,
  s: FlowSettings = defaultFlowSettings,
): FlowStatus {
  const inWindow = events.filter(e => e.at > now - s.windowMs && e.at <= now);
  const actions = inWindow.filter(e => e.kind !== 'error').length;
  const errors = inWindow.filter(e => e.kind === 'error').length;
  const tasks = inWindow.filter(e => e.kind === 'action').length;
  const saves = inWindow.filter(e => e.kind === 'save').length;
  const minutes = s.windowMs / 60_000;
  const actionsPerMinute = actions / minutes;
  const errorRate = actions + errors === 0 ? 0 : errors / Math.max(actions, errors);
  let state: FlowState;
  if (inWindow.length === 0) state = 'idle';
  else if (errors >= 3 && errorRate >= s.strugglingErrorRate) state = 'struggling';
  else if (
    now - inWindow[0].at >= s.sustainedMs &&
    actions / Math.max(1, (now - inWindow[0].at) / 60_000) >= s.flowingRate &&
    errorRate < s.strugglingErrorRate / 2
  )
    state = 'in flow';
  else state = 'warming up';
  return {
    state,
    actionsPerMinute: Math.round(actionsPerMinute * 10) / 10,
    errorRate: Math.round(errorRate * 100) / 100,
    actions,
    errors,
    tasks,
    saves,
  };
}
