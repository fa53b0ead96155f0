// Error learning: every failure's signature is remembered with how often and when it was seen, and
// with the fixes that were tried for it (a fix command, or the task that resolved it) and whether
// they worked. A fix's success rate weighs recent outcomes more: what worked last month on another
// toolchain says less than what worked today. Kept in the store (schema version 5).
import type { Clock } from '../../ports';
import type { Store, StoreReader, StoreWriter } from '../../store/types';

export interface KnownError {
  signature: string;
  /** A real message with this signature. */
  sample: string;
  errorClass: string;
  actionKind?: string;
  occurrences: number;
  firstSeen: number;
  lastSeen: number;
}

export type Fix =
  { kind: 'command'; command: string; args: readonly string[] } | { kind: 'task'; taskId: string; title: string };

export interface KnownFix {
  fix: Fix;
  /** 0–1, recent outcomes weighing more (see decayedSuccessRate). */
  successRate: number;
  tries: number;
  lastUsed: number;
}

/** Half-life of a fix outcome's weight (default 14 days). */
export const fixHalfLifeMs = 14 * 24 * 60 * 60_000;

/** Σ wᵢ·successᵢ / Σ wᵢ with wᵢ = ½^(ageᵢ / halfLife); 0 without outcomes. */
export function decayedSuccessRate(
  outcomes: ReadonlyArray<{ at: number; succeeded: boolean }>,
  now: number,
  halfLifeMs = fixHalfLifeMs,
): number {
  let weighted = 0;
  let total = 0;
  for (const o of outcomes) {
    const w = 0.5 ** (Math.max(0, now - o.at) / halfLifeMs);
    total += w;
    if (o.succeeded) weighted += w;
  }
  return total === 0 ? 0 : weighted / total;
}

export function fixKey(fix: Fix): string {
  return fix.kind === 'command' ? `command:${JSON.stringify([fix.command, ...fix.args])}` : `task:${fix.taskId}`;
}

interface SignatureRow {
  signature: string;
  sample: string;
  error_class: string;
  action_kind: string | null;
  occurrences: number;
  first_seen: number;
  last_seen: number;
}

export class ErrorLearning {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Statement that counts one more occurrence; run inside the caller's write. */
  recordOccurrence(
    w: StoreWriter,
    e: { signature: string; message: string; errorClass: string; actionKind?: string },
  ): void {
    const now = this.clock.now();
    w.run(
      `INSERT INTO error_signatures (signature, sample, error_class, action_kind, occurrences, first_seen, last_seen) VALUES (?, ?, ?, ?, 1, ?, ?)
      ON CONFLICT(signature) DO UPDATE SET occurrences = occurrences + 1, last_seen = excluded.last_seen, sample = excluded.sample, error_class = excluded.error_class`,
      [e.signature, e.message.slice(0, 2000), e.errorClass, e.actionKind ?? null, now, now],
    );
  }

  recordFixOutcome(w: StoreWriter, signature: string, fix: Fix, succeeded: boolean): void {
    w.run('INSERT INTO error_fix_outcomes (signature, fix_key, fix, succeeded, at) VALUES (?, ?, ?, ?, ?)', [
      signature,
      fixKey(fix),
      JSON.stringify(fix),
      succeeded ? 1 : 0,
      this.clock.now(),
    ]);
  }

  async remember(e: { signature: string; message: string; errorClass: string; actionKind?: string }): Promise<void> {
    await this.store.write(w => this.recordOccurrence(w, e), 'executor');
  }

  async fixTried(signature: string, fix: Fix, succeeded: boolean): Promise<void> {
    await this.store.write(w => this.recordFixOutcome(w, signature, fix, succeeded), 'executor');
  }

  known(signature: string): KnownError | undefined {
    const row = this.store.get<SignatureRow>('SELECT * FROM error_signatures WHERE signature = ?', [signature]);
    return row && toKnown(row);
  }

  /** Every known error, most recent first. */
  all(limit = 200): KnownError[] {
    return knownErrors(this.store, limit);
  }

  /** Fixes tried for a signature, best first. */
  fixesFor(signature: string): KnownFix[] {
    const rows = this.store.all<{ fix_key: string; fix: string; succeeded: number; at: number }>(
      'SELECT fix_key, fix, succeeded, at FROM error_fix_outcomes WHERE signature = ? ORDER BY at',
      [signature],
    );
    const byFix = new Map<string, { fix: Fix; outcomes: Array<{ at: number; succeeded: boolean }> }>();
    for (const r of rows) {
      const entry = byFix.get(r.fix_key) ?? { fix: JSON.parse(r.fix) as Fix, outcomes: [] };
      entry.outcomes.push({ at: r.at, succeeded: r.succeeded === 1 });
      byFix.set(r.fix_key, entry);
    }
    const now = this.clock.now();
    return [...byFix.values()]
      .map(f => ({
        fix: f.fix,
        successRate: decayedSuccessRate(f.outcomes, now),
        tries: f.outcomes.length,
        lastUsed: f.outcomes[f.outcomes.length - 1].at,
      }))
      .sort((a, b) => b.successRate - a.successRate || b.lastUsed - a.lastUsed);
  }
}

export function knownErrors(r: StoreReader, limit = 200): KnownError[] {
  return r.all<SignatureRow>('SELECT * FROM error_signatures ORDER BY last_seen DESC LIMIT ?', [limit]).map(toKnown);
}

function toKnown(row: SignatureRow): KnownError {
  return {
    signature: row.signature,
    sample: row.sample,
    errorClass: row.error_class,
    ...(row.action_kind != null ? { actionKind: row.action_kind } : {}),
    occurrences: row.occurrences,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
}
