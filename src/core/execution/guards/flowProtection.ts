// Flow protection: while the user is in flow, notifications that can wait are held and shown
// later as one summary — when flow ends, or after a longest hold (default 10 minutes) even if it
// has not; critical ones (a paused session, a disk about to fill) always go through.
import type { FlowState } from './flow';
import type { GuardNotice } from './guards';

/** How long a notice may be held while the user stays in flow (default). */
export const maxHoldMs = 10 * 60_000;

export class NoticeBatcher {
  private held: GuardNotice[] = [];
  private heldSince: number | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxHold = maxHoldMs,
  ) {}

  /** The notice to show now, or undefined when it is held for the summary. */
  offer(notice: GuardNotice, flow: FlowState): GuardNotice | undefined {
    if (notice.critical || flow !== 'in flow') return notice;
    if (!this.held.length) this.heldSince = this.now();
    this.held.push(notice);
    return undefined;
  }

  /** Once the user is out of flow, or the oldest held notice has waited the longest hold: one notice summing up what was held, if anything was. */
  release(flow: FlowState): GuardNotice | undefined {
    if (this.held.length === 0) return undefined;
    const overdue = this.heldSince !== undefined && this.now() - this.heldSince >= this.maxHold;
    if (flow === 'in flow' && !overdue) return undefined;
    const held = this.held;
    this.held = [];
    this.heldSince = undefined;
    if (held.length === 1) return held[0];
    const severity = held.some(n => n.severity === 'error')
      ? 'error'
      : held.some(n => n.severity === 'warning')
        ? 'warning'
        : 'info';
    const shown = held
      .slice(0, 3)
      .map(n => n.message)
      .join(' · ');
    return {
      severity,
      critical: false,
      message: `${flow === 'in flow' ? 'Held while you are in flow' : 'While you were in flow'}: ${held.length} notices. ${shown}${held.length > 3 ? ` · and ${held.length - 3} more` : ''}`,
    };
  }

  get heldCount(): number {
    return this.held.length;
  }
}
