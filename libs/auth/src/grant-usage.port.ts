import type { Principal } from './principal.js';

/** Binds a `GrantUsage`; optional: without it, nobody learns when a grant was last used. */
export const GRANT_USAGE = Symbol('GRANT_USAGE');

/**
 * Notes that a verified token of a grant was accepted. Called on every call, cached tokens
 * included, so it must be synchronous and cheap: it remembers in memory, and writes later.
 */
export interface GrantUsage {
  /** Ignores a principal without a grant (dev, external and service-principal tokens). */
  noteUse(principal: Principal): void;
}
