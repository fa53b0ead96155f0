// Flow protection: while the user is in flow, notifications that can wait are held and shown
// later as one summary; critical ones (a paused session, a disk about to fill) always go through.
import type { FlowState } from './flow';
import type { GuardNotice } from './guards';

export class NoticeBatcher {
  private held: GuardNotice[] = [];

  /** The notice to show now, or undefined when it is held for the summary. */
  offer(notice: GuardNotice, flow: FlowState): GuardNotice | undefined {
    if (notice.critical || flow !== 'in flow') return notice;
    this.held.push(notice);
    return undefined;
  }

  /** Once the user is out of flow: one notice summing up what was held, if anything was. */
  release(flow: FlowState): GuardNotice | undefined {
    if (flow === 'in flow' || this.held.length === 0) return undefined;
    const held = this.held;
    this.held = [];
    if (held.length === 1) return held[0];
    const severity = held.some(n => n.severity === 'error') ? 'error' : held.some(n => n.severity === 'warning') ? 'warning' : 'info';
    const shown = held.slice(0, 3).map(n => n.message).join(' · ');
    return { severity, critical: false, message: `While you were in flow: ${held.length} notices. ${shown}${held.length > 3 ? ` · and ${held.length - 3} more` : ''}` };
  }

  get heldCount(): number {
    return this.held.length;
  }
}
