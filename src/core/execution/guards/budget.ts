// The error budget: how many errors an unattended run may make in a rolling hour before it stops
// and asks a person to look. Errors age out of the window, so the budget refills by itself. The
// same signature repeating is systemic: retrying it again will not help, so its class stops being
// retried and the user is told. Pure state over an injected clock.
import type { Clock } from '../../ports';

export interface ErrorBudgetSettings {
  /** Errors allowed in the window (default 10). */
  limit: number;
  /** The rolling window (default one hour). */
  windowMs: number;
  /** Optional tighter limits per error type ("transient", "deterministic", a rule's class …). */
  perType: Readonly<Record<string, number>>;
  /** The same signature this many times in the window is systemic (default 3). */
  systemicAfter: number;
}

export const defaultBudgetSettings: ErrorBudgetSettings = {
  limit: 10,
  windowMs: 60 * 60_000,
  perType: {},
  systemicAfter: 3,
};

export interface BudgetError {
  signature: string;
  /** The error class, e.g. transient / deterministic. */
  type: string;
  /** A real message with this signature, for the notification. */
  message: string;
  taskTitle?: string;
}

export interface BudgetVerdict {
  /** The budget (overall, or this error's type) is spent: the run should pause. */
  spent: boolean;
  /** This signature has now repeated `systemicAfter` times: stop retrying it. */
  systemic: boolean;
  remaining: number;
}

export interface BudgetStatus {
  limit: number;
  remaining: number;
  /** The errors in the window, most frequent first. */
  spentBy: Array<{ signature: string; type: string; count: number; message: string; taskTitle?: string }>;
  /** When the oldest error leaves the window (one more error allowed), if any. */
  refillsAt?: number;
}

export class ErrorBudget {
  private settings: ErrorBudgetSettings;
  private errors: Array<BudgetError & { at: number }> = [];
  /** Errors in the window by signature and by type, kept in step with `errors`. */
  private readonly bySignature = new Map<string, number>();
  private readonly byType = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    settings: Partial<ErrorBudgetSettings> = {},
  ) {
    this.settings = { ...defaultBudgetSettings, ...settings };
  }

  /** New limits (the settings changed); the errors in the window stay counted. */
  configure(settings: Partial<ErrorBudgetSettings>): void {
    this.settings = { ...defaultBudgetSettings, ...settings };
  }

  get limit(): number {
    return this.settings.limit;
  }

  record(error: BudgetError): BudgetVerdict {
    this.expire();
    this.errors.push({ ...error, at: this.clock.now() });
    bump(this.bySignature, error.signature, 1);
    bump(this.byType, error.type, 1);
    const sameType = this.byType.get(error.type) ?? 0;
    const typeLimit = this.settings.perType[error.type];
    const remaining = this.remaining();
    return {
      spent: remaining === 0 || (typeLimit !== undefined && sameType >= typeLimit),
      systemic: this.isSystemic(error.signature),
      remaining,
    };
  }

  /** Whether `signature` has repeated often enough in the window to count as systemic. */
  isSystemic(signature: string): boolean {
    return this.occurrences(signature) >= this.settings.systemicAfter;
  }

  /** How often `signature` occurred in the window. */
  occurrences(signature: string): number {
    this.expire();
    return this.bySignature.get(signature) ?? 0;
  }

  remaining(): number {
    this.expire();
    return Math.max(0, this.settings.limit - this.errors.length);
  }

  /** When each error still in the window happened (for the chart in Health). */
  errorTimes(): number[] {
    this.expire();
    return this.errors.map(e => e.at);
  }

  get windowMs(): number {
    return this.settings.windowMs;
  }

  /** Spent overall or for any type with its own limit. */
  isSpent(): boolean {
    if (this.remaining() === 0) return true;
    return Object.entries(this.settings.perType).some(([type, limit]) => (this.byType.get(type) ?? 0) >= limit);
  }

  status(): BudgetStatus {
    const remaining = this.remaining();
    const groups = new Map<string, BudgetStatus['spentBy'][number]>();
    for (const e of this.errors) {
      const g = groups.get(e.signature);
      if (g) {
        g.count++;
        g.message = e.message;
      } else {
        groups.set(e.signature, {
          signature: e.signature,
          type: e.type,
          count: 1,
          message: e.message,
          ...(e.taskTitle ? { taskTitle: e.taskTitle } : {}),
        });
      }
    }
    const oldest = this.errors[0];
    return {
      limit: this.settings.limit,
      remaining,
      spentBy: [...groups.values()].sort((a, b) => b.count - a.count),
      ...(oldest ? { refillsAt: oldest.at + this.settings.windowMs } : {}),
    };
  }

  private expire(): void {
    const cutoff = this.clock.now() - this.settings.windowMs;
    let i = 0;
    while (i < this.errors.length && this.errors[i].at <= cutoff) {
      bump(this.bySignature, this.errors[i].signature, -1);
      bump(this.byType, this.errors[i].type, -1);
      i++;
    }
    if (i) this.errors = this.errors.slice(i);
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}

/** "3 × npm ERR! … (task 'Build'); 2 × …": what spent the budget, for the pause notification. */
export function describeSpentBudget(status: BudgetStatus, max = 3): string {
  const parts = status.spentBy
    .slice(0, max)
    .map(g => `${g.count} × ${g.message.slice(0, 120)}${g.taskTitle ? ` (task '${g.taskTitle}')` : ''}`);
  const more = status.spentBy.length > max ? `; and ${status.spentBy.length - max} other error(s)` : '';
  return parts.join('; ') + more;
}
