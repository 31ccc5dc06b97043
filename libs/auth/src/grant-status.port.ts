import type { Principal } from './principal.js';

/** Binds a `GrantStatus`; optional: without it, a verified token stays good until it expires. */
export const GRANT_STATUS = Symbol('GRANT_STATUS');

/**
 * Whether the delegation behind a verified token still stands. Asked on every call, cached
 * tokens included, so it must be synchronous and cheap (an in-memory view of grants and clients).
 */
export interface GrantStatus {
  /** @throws UnauthenticatedError (`auth.invalid_token`) for a revoked grant or a disabled client. */
  assertActive(principal: Principal): void;
}
