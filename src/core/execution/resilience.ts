// The executor's resilience policies, from cockatiel: retry with exponential backoff and jitter,
// a circuit breaker per action kind (per model for `lm` tasks), a timeout per task and a bulkhead for concurrency. Which
// failures are retried is decided by the classifier (classify.ts).
import {
  BulkheadPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type CircuitBreakerPolicy,
  type GeneratorFn,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import type { FailureClass } from './classify';

export interface ResilienceSettings {
  /** Tries in all, the first one included (default 3). */
  attempts: number;
  /** Delay before the first retry (default 2 s); each later one is `factor` times longer, ±20 % jitter. */
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** Consecutive failures of one action kind that open its circuit (default 5). */
  breakerThreshold: number;
  /** How long an open circuit waits before letting one test run through (default 60 s). */
  halfOpenAfterMs: number;
  /** Timeout of a task that sets none (default 30 min). */
  defaultTimeoutMs: number;
}

export const defaultResilience: ResilienceSettings = {
  attempts: 3,
  baseDelayMs: 2_000,
  factor: 2,
  maxDelayMs: 60_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 60_000,
  defaultTimeoutMs: 30 * 60_000,
};

/** An action's failure with what the classifier needs. */
export interface ClassifiedFailure {
  readonly failureClass: FailureClass;
  /** A failing verify says nothing about the action kind's health, so it does not count for the breaker. */
  readonly countsForBreaker: boolean;
  /**
   * A failure of the language model itself (its provider refused, failed or could not be reached):
   * counts for that model's circuit. A task's own limits running out, or a tool's failure, do not.
   */
  readonly countsForModel?: boolean;
  /** How long the failure's source asked to wait before the next try (a provider's Retry-After). */
  readonly retryAfterMs?: number;
}

/** The longest Retry-After a retry waits for; a provider asking for more is tried again after this. */
export const longestRetryAfterMs = 10 * 60_000;

export function isClassifiedFailure(err: unknown): err is Error & ClassifiedFailure {
  return err instanceof Error && typeof (err as Partial<ClassifiedFailure>).failureClass === 'string';
}

/** base × factor^n, times a random factor in [0.8, 1.2): the delays spread out instead of retrying in lockstep. */
export function jitteredExponential(random: () => number = Math.random): GeneratorFn<number> {
  return (attempt = 0, options) => {
    const plain = options.initialDelay * options.exponent ** attempt;
    return [Math.round(Math.min(options.maxDelay, plain * (0.8 + 0.4 * random()))), attempt + 1];
  };
}

/** `mayRetry`: a last word from the guards (a systemic error is not retried even when it looks transient). */
export function retryPolicy(
  s: ResilienceSettings,
  random?: () => number,
  mayRetry: () => boolean = () => true,
): RetryPolicy {
  return retry(
    handleWhen(err => isClassifiedFailure(err) && err.failureClass === 'transient' && mayRetry()),
    {
      maxAttempts: Math.max(0, s.attempts - 1),
      backoff: atLeastRetryAfter(
        new ExponentialBackoff({
          initialDelay: s.baseDelayMs,
          exponent: s.factor,
          maxDelay: s.maxDelayMs,
          generator: jitteredExponential(random),
        }),
      ),
    },
  );
}

type RetryBackoff = IBackoffFactory<IRetryBackoffContext<unknown>>;

/** The backoff's delay, or longer when the failure said how long to wait (a rate limit's Retry-After). */
export function atLeastRetryAfter(inner: RetryBackoff): RetryBackoff {
  return {
    next(context) {
      const backoff = inner.next(context);
      const error = 'error' in context.result ? context.result.error : undefined;
      const asked = isClassifiedFailure(error) ? error.retryAfterMs : undefined;
      const duration =
        asked !== undefined && asked > backoff.duration ? Math.min(asked, longestRetryAfterMs) : backoff.duration;
      return { duration, next: c => atLeastRetryAfter(backoff).next(c) };
    },
  };
}

/** `saved` is what `toJSON()` gave before a restart: an open circuit stays open across it. */
export function breakerPolicy(
  s: ResilienceSettings,
  saved?: unknown,
  counts: (err: ClassifiedFailure) => boolean = err => err.countsForBreaker,
): CircuitBreakerPolicy {
  return circuitBreaker(
    handleWhen(err => isClassifiedFailure(err) && counts(err)),
    {
      halfOpenAfter: s.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(s.breakerThreshold),
      ...(saved !== undefined ? { initialState: saved } : {}),
    },
  );
}

/**
 * Cooperative: the action sees the abort, kills its process tree and reports the timeout itself.
 * Its timer never keeps a process alive by itself (the work it bounds does, while it runs): a run
 * abandoned mid-task (a window closing, a lost lock) would otherwise hold the process for the
 * task's whole timeout, up to hours.
 */
export function timeoutPolicy(ms: number): TimeoutPolicy {
  return timeout(ms, TimeoutStrategy.Cooperative).dangerouslyUnref();
}

export function concurrencyLimit(concurrency: number): BulkheadPolicy {
  return bulkhead(Math.max(1, Math.floor(concurrency)), 0);
}

export function circuitStateName(state: CircuitState): string {
  return state === CircuitState.Closed
    ? 'closed'
    : state === CircuitState.Open
      ? 'open'
      : state === CircuitState.HalfOpen
        ? 'half-open'
        : 'isolated';
}

/** When an open circuit lets the next test through (epoch ms), from its saved state; undefined when not open. */
export function halfOpensAt(breaker: CircuitBreakerPolicy, halfOpenAfterMs: number): number | undefined {
  if (breaker.state !== CircuitState.Open) return undefined;
  const saved = breaker.toJSON() as { ownState?: { openedAt?: number } };
  return (saved.ownState?.openedAt ?? Date.now()) + halfOpenAfterMs;
}

export { CircuitState };
