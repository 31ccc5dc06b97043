import { describe, expect, it } from '@jest/globals';
import { nextRetryAt, retryDelayMs } from './backoff.js';
import type { RetryPolicy } from './retry-policy.schema.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';

const policy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 30_000, deadlineSeconds: 600 };

/** Deterministic draws, so the bounds are checked over many of them. */
const seeded = seededRandom;
const almostOne = (): number => 0.999_999;

describe('retryDelayMs', () => {
  it('doubles the cap per attempt up to maxDelayMs, with full jitter below it', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, policy, almostOne))).toEqual([199, 399, 799, 1599]);
    expect(retryDelayMs(20, policy, almostOne)).toBe(29_999);
    expect(retryDelayMs(1000, policy, almostOne)).toBe(29_999);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(400);
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('always stays a whole number of milliseconds within [0, cap]', () => {
    const random = seeded(42);
    for (let attempt = 1; attempt <= 30; attempt++) {
      const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
      for (let draw = 0; draw < 200; draw++) {
        const delay = retryDelayMs(attempt, policy, random);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(cap);
      }
    }
  });

  it('stays within the cap even when the random source misbehaves', () => {
    expect(retryDelayMs(2, policy, () => 1.5)).toBe(400);
    expect(retryDelayMs(2, policy, () => -1)).toBe(0);
  });
});

describe('nextRetryAt', () => {
  const timing = { now: 1_000_000, firstAttemptAt: 1_000_000, policy, random: () => 0.5 };

  it('schedules the retry after the jittered delay', () => {
    expect(nextRetryAt({ ...timing, attempt: 1 })).toEqual({ retryAt: 1_000_100 });
    expect(nextRetryAt({ ...timing, attempt: 3 })).toEqual({ retryAt: 1_000_400 });
  });

  it('never retries sooner than the server asked, and ignores a meaningless Retry-After', () => {
    expect(nextRetryAt({ ...timing, attempt: 1, retryAfterMs: 5_000 })).toEqual({ retryAt: 1_005_000 });
    expect(nextRetryAt({ ...timing, attempt: 1, retryAfterMs: 10 })).toEqual({ retryAt: 1_000_100 });
    expect(nextRetryAt({ ...timing, attempt: 1, retryAfterMs: -5 })).toEqual({ retryAt: 1_000_100 });
    expect(nextRetryAt({ ...timing, attempt: 1, retryAfterMs: Number.NaN })).toEqual({ retryAt: 1_000_100 });
  });

  it('gives up when the failed attempt was the last one allowed', () => {
    expect(nextRetryAt({ ...timing, attempt: 4 })).toHaveProperty('retryAt');
    expect(nextRetryAt({ ...timing, attempt: 5 })).toEqual({ giveUp: 'attempts_exhausted' });
    expect(nextRetryAt({ ...timing, attempt: 1, policy: { ...policy, maxAttempts: 1 } })).toEqual({ giveUp: 'attempts_exhausted' });
  });

  it('gives up when the retry would start after the step deadline, counted from the first attempt', () => {
    const deadline = timing.firstAttemptAt + policy.deadlineSeconds * 1000;
    expect(nextRetryAt({ ...timing, now: deadline - 100, attempt: 1 })).toEqual({ retryAt: deadline });
    expect(nextRetryAt({ ...timing, now: deadline - 99, attempt: 1 })).toEqual({ giveUp: 'deadline_exceeded' });
    expect(nextRetryAt({ ...timing, attempt: 1, retryAfterMs: 601_000 })).toEqual({ giveUp: 'deadline_exceeded' });
  });
});
