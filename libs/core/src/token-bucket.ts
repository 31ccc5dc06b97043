import { ValidationError } from './errors.js';

export interface TokenBucketOptions {
  /** Tokens added per second, > 0. */
  ratePerSec: number;
  /** Capacity: how many tokens may be taken at once after a quiet period, >= 1. */
  burst: number;
}

export type TokenTakeResult = { ok: true } | { ok: false; retryAfterMs: number };

// Float rounding: a caller that waited exactly the advised time must find its tokens there.
const EPSILON = 1e-9;

/** Milliseconds on a monotonic scale; injected so tests need no real time. */
export type MonotonicClock = () => number;

/**
 * A token bucket that starts full. `tryTake` refuses when tokens are short (for a front door that
 * answers "retry after"); `reserve` always succeeds and lets the balance go negative, so each
 * caller learns how long to wait and successive reservations queue in arrival order.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private fullAt: number;
  private readonly perMs: number;

  constructor(
    readonly options: Readonly<TokenBucketOptions>,
    private readonly clock: MonotonicClock = () => performance.now(),
  ) {
    if (!(Number.isFinite(options.ratePerSec) && options.ratePerSec > 0)) {
      throw new ValidationError('token_bucket.invalid_rate', 'ratePerSec must be a finite number > 0', { ratePerSec: options.ratePerSec });
    }
    if (!(Number.isFinite(options.burst) && options.burst >= 1)) {
      throw new ValidationError('token_bucket.invalid_burst', 'burst must be a finite number >= 1', { burst: options.burst });
    }
    this.perMs = options.ratePerSec / 1000;
    this.tokens = options.burst;
    this.refilledAt = clock();
    this.fullAt = this.refilledAt;
  }

  /** Takes `n` tokens if they are there now; otherwise takes nothing and says when they will be. */
  tryTake(n = 1): TokenTakeResult {
    this.checkAmount(n);
    this.refill();
    if (this.tokens + EPSILON >= n) {
      this.tokens -= n;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: this.msUntil(n - this.tokens) };
  }

  /** What tryTake(n) would answer now, taking nothing (a dry run asks without spending a live call's budget). */
  peek(n = 1): TokenTakeResult {
    this.checkAmount(n);
    this.refill();
    return this.tokens + EPSILON >= n ? { ok: true } : { ok: false, retryAfterMs: this.msUntil(n - this.tokens) };
  }

  /** Takes `n` tokens now or on credit; returns how many ms the caller must wait before acting (0: act now). */
  reserve(n = 1): number {
    this.checkAmount(n);
    this.refill();
    this.tokens -= n;
    return this.tokens >= -EPSILON ? 0 : this.msUntil(-this.tokens);
  }

  /** Tokens available now; negative while reservations are outstanding. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Clock time at which the bucket became (or will become) full again. */
  fullSince(): number {
    this.refill();
    return this.tokens >= this.options.burst ? this.fullAt : this.refilledAt + this.msUntil(this.options.burst - this.tokens);
  }

  private refill(): void {
    const now = this.clock();
    // A clock that steps backwards must not mint or destroy tokens.
    const elapsed = Math.max(0, now - this.refilledAt);
    const missing = this.options.burst - this.tokens;
    if (elapsed * this.perMs >= missing) {
      if (missing > 0) this.fullAt = this.refilledAt + missing / this.perMs;
      this.tokens = this.options.burst;
    } else {
      this.tokens += elapsed * this.perMs;
    }
    this.refilledAt = Math.max(this.refilledAt, now);
  }

  private msUntil(missing: number): number {
    return Math.ceil(missing / this.perMs);
  }

  private checkAmount(n: number): void {
    // More than `burst` could never be satisfied by tryTake and would stall every later reserve.
    if (!(Number.isFinite(n) && n > 0 && n <= this.options.burst)) {
      throw new ValidationError('token_bucket.invalid_amount', `can take between 0 (exclusive) and burst (${this.options.burst}) tokens at once`, { n });
    }
  }
}

export interface TokenBucketsOptions {
  /** Above this many keys, buckets that have been full for `idleMs` are dropped. Default 10,000. */
  maxKeys?: number;
  /** Default 10 minutes. */
  idleMs?: number;
  clock?: MonotonicClock;
}

/**
 * Buckets by key (e.g. tenant × tool). A bucket that is full carries no state a fresh bucket would
 * not have, so dropping long-full ones is lossless and keeps a stream of one-off keys from leaking.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly maxKeys: number;
  private readonly idleMs: number;
  private readonly clock: MonotonicClock;
  private sweepAbove: number;

  constructor(
    private readonly defaults: Readonly<TokenBucketOptions>,
    options: TokenBucketsOptions = {},
  ) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.clock = options.clock ?? (() => performance.now());
    this.sweepAbove = this.maxKeys;
  }

  /** The bucket for `key`; a bucket whose options differ from `options` (a changed limit) is replaced. */
  get(key: string, options: Readonly<TokenBucketOptions> = this.defaults): TokenBucket {
    const existing = this.buckets.get(key);
    if (existing && existing.options.ratePerSec === options.ratePerSec && existing.options.burst === options.burst) return existing;
    const bucket = new TokenBucket({ ratePerSec: options.ratePerSec, burst: options.burst }, this.clock);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.sweepAbove) this.sweep();
    return bucket;
  }

  tryTake(key: string, n = 1, options?: Readonly<TokenBucketOptions>): TokenTakeResult {
    return this.get(key, options).tryTake(n);
  }

  /** tryTake's answer without taking; a key with no bucket yet (or one about to be replaced by other options) is full. */
  peek(key: string, n = 1, options: Readonly<TokenBucketOptions> = this.defaults): TokenTakeResult {
    const existing = this.buckets.get(key);
    if (!existing || existing.options.ratePerSec !== options.ratePerSec || existing.options.burst !== options.burst) return { ok: true };
    return existing.peek(n);
  }

  reserve(key: string, n = 1, options?: Readonly<TokenBucketOptions>): number {
    return this.get(key, options).reserve(n);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(): void {
    const now = this.clock();
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.fullSince() > this.idleMs) this.buckets.delete(key);
    }
    // When most keys are busy, sweeping on every insert would be quadratic: wait until the map doubles.
    this.sweepAbove = Math.max(this.maxKeys, this.buckets.size * 2);
  }
}
