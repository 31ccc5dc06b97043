import type { RetryPolicy } from './retry-policy.schema.js';

export interface RetryTiming {
  now: number;
  /** The 1-based attempt that just failed. */
  attempt: number;
  policy: RetryPolicy;
  /** When the step's first attempt started; the policy's deadline counts from here. */
  firstAttemptAt: number;
  /** The server's Retry-After (429, 503), in milliseconds. */
  retryAfterMs?: number;
  /** Uniform in [0, 1); injected so that tests and replays are deterministic. */
  random: () => number;
}

export type RetryDecision = { retryAt: number } | { giveUp: 'attempts_exhausted' | 'deadline_exceeded' };

/**
 * Exponential back-off with full jitter: a uniformly random delay in [0, min(maxDelayMs,
 * initialDelayMs * 2^(attempt-1))), whole milliseconds. Full jitter spreads the retries of many
 * runs that failed together instead of sending them back in waves.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const fraction = Math.min(Math.max(random(), 0), 1);
  return Math.min(Math.floor(fraction * cap), cap);
}

/**
 * When to retry a failed attempt, or why not: the attempts are used up, or the retry would start
 * after the step's deadline. A server's Retry-After is honoured by never retrying sooner.
 */
export function nextRetryAt(timing: RetryTiming): RetryDecision {
  const { now, attempt, policy, firstAttemptAt, retryAfterMs, random } = timing;
  if (attempt >= policy.maxAttempts) return { giveUp: 'attempts_exhausted' };
  const serverDelay = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? Math.ceil(retryAfterMs) : 0;
  const retryAt = now + Math.max(retryDelayMs(attempt, policy, random), serverDelay);
  if (retryAt > firstAttemptAt + policy.deadlineSeconds * 1000) return { giveUp: 'deadline_exceeded' };
  return { retryAt };
}
