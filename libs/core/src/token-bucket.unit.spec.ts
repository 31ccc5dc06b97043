import { describe, expect, it } from '@jest/globals';
import { ValidationError } from './errors.js';
import { TokenBucket, TokenBuckets } from './token-bucket.js';

function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}

describe('TokenBucket.tryTake', () => {
  it('starts full, allows a burst, then refuses with the wait until the next token', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSec: 2, burst: 3 }, clock.now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 500 });
    clock.advance(200);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 300 });
    clock.advance(300);
    expect(bucket.tryTake()).toEqual({ ok: true });
  });

  it('takes nothing when refusing, and waits for all n tokens when n > 1', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 5 }, clock.now);
    expect(bucket.tryTake(4)).toEqual({ ok: true });
    expect(bucket.tryTake(3)).toEqual({ ok: false, retryAfterMs: 200 });
    expect(bucket.available()).toBeCloseTo(1);
    expect(bucket.tryTake(1)).toEqual({ ok: true });
  });

  it('has the tokens ready after exactly the advised wait, whatever the float rounding', () => {
    for (const ratePerSec of [0.1, 0.15, 3, 7, 0.09999999999999999]) {
      const clock = manualClock();
      const bucket = new TokenBucket({ ratePerSec, burst: 3 }, clock.now);
      bucket.tryTake(3);
      for (let i = 0; i < 5; i++) {
        const refused = bucket.tryTake(3);
        if (refused.ok) throw new Error(`rate ${ratePerSec}: tokens appeared early`);
        clock.advance(refused.retryAfterMs);
        expect(bucket.tryTake(3)).toEqual({ ok: true });
      }
    }
  });

  it('never refills beyond burst, however long the bucket was idle', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSec: 100, burst: 2 }, clock.now);
    clock.advance(3_600_000);
    expect(bucket.tryTake(2)).toEqual({ ok: true });
    expect(bucket.tryTake()).toMatchObject({ ok: false });
  });

  it('neither mints nor loses tokens when the clock steps backwards', () => {
    const clock = manualClock(10_000);
    const bucket = new TokenBucket({ ratePerSec: 1, burst: 1 }, clock.now);
    expect(bucket.tryTake()).toEqual({ ok: true });
    clock.set(5_000);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 1000 });
    clock.set(10_500);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 500 });
    clock.set(11_000);
    expect(bucket.tryTake()).toEqual({ ok: true });
  });
});

describe('peek', () => {
  it("answers as tryTake would and takes nothing; a key without a bucket is full and gets none", () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ ratePerSec: 2, burst: 2 }, { clock: clock.now });
    expect(buckets.peek('a')).toEqual({ ok: true });
    expect(buckets.size).toBe(0);
    expect([buckets.tryTake('a'), buckets.tryTake('a')]).toEqual([{ ok: true }, { ok: true }]);
    expect(buckets.peek('a')).toEqual({ ok: false, retryAfterMs: 500 });
    clock.advance(500);
    expect([buckets.peek('a'), buckets.peek('a'), buckets.peek('a')]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(buckets.tryTake('a')).toEqual({ ok: true });
    expect(buckets.peek('a')).toEqual({ ok: false, retryAfterMs: 500 });
  });
});

describe('TokenBucket.reserve', () => {
  it('returns 0 while tokens last, then queues each caller behind the previous one (FIFO debt)', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSec: 4, burst: 2 }, clock.now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 250, 500, 750]);
    expect(bucket.available()).toBeCloseTo(-3);
    clock.advance(500);
    // the sixth reservation is due 1000 ms after the start, i.e. 500 ms from now
    expect(bucket.reserve()).toBe(500);
  });

  it('makes tryTake wait for outstanding reservations instead of jumping the queue', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 1 }, clock.now);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(100);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 200 });
    clock.advance(200);
    expect(bucket.tryTake()).toEqual({ ok: true });
  });
});

describe('TokenBucket options', () => {
  it.each([
    [{ ratePerSec: 0, burst: 1 }, 'token_bucket.invalid_rate'],
    [{ ratePerSec: Number.NaN, burst: 1 }, 'token_bucket.invalid_rate'],
    [{ ratePerSec: 1, burst: 0.5 }, 'token_bucket.invalid_burst'],
    [{ ratePerSec: 1, burst: Number.POSITIVE_INFINITY }, 'token_bucket.invalid_burst'],
  ])('refuses %j', (options, code) => {
    expect(() => new TokenBucket(options)).toThrow(expect.objectContaining({ code }) as unknown as Error);
  });

  it('refuses to take more than burst, zero or a negative amount', () => {
    const bucket = new TokenBucket({ ratePerSec: 1, burst: 2 }, manualClock().now);
    for (const n of [3, 0, -1, Number.NaN]) {
      expect(() => bucket.tryTake(n)).toThrow(ValidationError);
      expect(() => bucket.reserve(n)).toThrow(ValidationError);
    }
    expect(bucket.available()).toBe(2);
  });
});

describe('TokenBuckets', () => {
  it('keeps one bucket per key, each with its own balance', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ ratePerSec: 1, burst: 1 }, { clock: clock.now });
    expect(buckets.tryTake('tenant-a')).toEqual({ ok: true });
    expect(buckets.tryTake('tenant-a')).toMatchObject({ ok: false });
    expect(buckets.tryTake('tenant-b')).toEqual({ ok: true });
    expect(buckets.get('tenant-a')).toBe(buckets.get('tenant-a'));
    expect(buckets.size).toBe(2);
  });

  it('replaces a bucket when its limit changes', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ ratePerSec: 1, burst: 1 }, { clock: clock.now });
    expect(buckets.reserve('c')).toBe(0);
    expect(buckets.reserve('c')).toBe(1000);
    expect(buckets.reserve('c', 1, { ratePerSec: 5, burst: 5 })).toBe(0);
    expect(buckets.get('c', { ratePerSec: 5, burst: 5 }).options).toEqual({ ratePerSec: 5, burst: 5 });
  });

  it('past maxKeys, evicts buckets that have been full for longer than idleMs and keeps the others', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ ratePerSec: 1, burst: 1 }, { clock: clock.now, maxKeys: 3, idleMs: 60_000 });
    buckets.tryTake('idle-1');
    buckets.tryTake('idle-2');
    clock.advance(1_000 + 60_001); // full again after 1 s, then idle for just over a minute
    buckets.tryTake('busy');
    expect(buckets.size).toBe(3);
    buckets.get('trigger');
    expect(buckets.size).toBe(2);
    expect(buckets.get('busy').available()).toBeCloseTo(0);
    expect(buckets.size).toBe(2);
  });

  it('does not evict a bucket that is still refilling, however old it is', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ ratePerSec: 1, burst: 1 }, { clock: clock.now, maxKeys: 1, idleMs: 1_000 });
    buckets.reserve('in-debt');
    buckets.reserve('in-debt');
    buckets.reserve('in-debt'); // full again only at +3 s
    clock.advance(2_500);
    buckets.get('other');
    expect(buckets.size).toBe(2);
    expect(buckets.get('in-debt').available()).toBeCloseTo(0.5);
  });
});
