import type { Principal } from './principal.js';

export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

interface Entry {
  principal: Principal;
  /** Epoch seconds from which the token no longer verifies: its `exp` plus the clock tolerance. */
  expiresAt: number;
}

/**
 * Tokens that verified, with their caller, least recently used first out. Safe because a
 * signature cannot change: until `expiresAt` the same token would verify again with the same
 * claims. Revocation is not the cache's business (GrantStatus runs on every call).
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = VERIFIED_TOKEN_CACHE_SIZE) {}

  get(token: string, nowSeconds: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    this.entries.delete(token);
    if (nowSeconds >= entry.expiresAt) return undefined;
    // Re-inserted last: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.set(token, entry);
    return entry.principal;
  }

  set(token: string, principal: Principal, expiresAt: number): void {
    this.entries.delete(token);
    this.entries.set(token, { principal, expiresAt });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
