import { AsyncLocalStorage } from 'node:async_hooks';
import { UnauthenticatedError } from './auth.errors.js';

/** Who is calling: always taken from a verified token, never from request arguments. */
export interface Principal {
  readonly tenantId: string;
  readonly userId: string;
  readonly clientId: string;
  /** The grant id of a token from the authorization server (`grant_id`); absent for dev and external tokens. */
  readonly grantId?: string;
  readonly scopes: readonly string[];
  /**
   * The token's `groups` claim (an array of names), as the tenant's policies and approver groups see
   * it; absent or malformed: none. The built-in authorization server issues no groups yet; external
   * issuers may (tenants keep approver groups of their own too: group_set).
   */
  readonly groups?: readonly string[];
}

const storage = new AsyncLocalStorage<Principal>();

/** A copy nobody can change: one Principal object may serve many requests (the verified-token cache). */
export function frozenPrincipal(principal: Principal): Principal {
  return Object.freeze({ ...principal, scopes: Object.freeze([...principal.scopes]), ...(principal.groups !== undefined && { groups: Object.freeze([...principal.groups]) }) });
}

/** The caller of the request being served, for code far from the HTTP edge. */
export const principalContext = {
  run<T>(principal: Principal, fn: () => T): T {
    return storage.run(frozenPrincipal(principal), fn);
  },

  current(): Principal | undefined {
    return storage.getStore();
  },

  /** @throws UnauthenticatedError when no principal was set for this call. */
  require(): Principal {
    const principal = storage.getStore();
    if (!principal) throw new UnauthenticatedError('no authenticated caller in this context', false);
    return principal;
  },
};
