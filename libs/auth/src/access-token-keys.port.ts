import type { JWK } from 'jose';

/** Binds an `AccessTokenKeySet`; optional: without it, only the configured issuer's key verifies tokens. */
export const ACCESS_TOKEN_KEYS = Symbol('ACCESS_TOKEN_KEYS');

/**
 * The public signing keys of the platform's built-in authorization server (issuer
 * `AuthSettings.issuer`): ES256 or RS256, each with a `kid`. Keys rotate: return a new object
 * whenever the set changes, and the same object while it does not; the verifier compares by
 * identity on every uncached verification and re-imports the keys only when it changes.
 */
export interface AccessTokenKeySet {
  publicJwks(): { keys: JWK[] };
}
