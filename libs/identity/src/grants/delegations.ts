import { ValidationError, type CommandMetadata } from '#core';
import type { AuthorizationServer } from '../authorization-server.service.js';
import type { ClientDirectory } from '../clients/client-directory.js';
import type { ScopeLifetime, ScopePolicy } from '../provider/scope-policy.js';
import { decodeGrantCursor, encodeGrantCursor } from './grant-cursor.js';
import { assertGrantId, grantNotFound } from './grant.errors.js';
import type { GrantRevocationReason } from './grant.events.js';
import type { GrantSummary } from './grant-summary.js';
import type { GrantUsageRecorder } from './grant-usage-recorder.js';

export const DEFAULT_GRANT_PAGE = 50;
export const MAX_GRANT_PAGE = 200;
/** User ids are token subjects (at most 256 characters); client ids may be metadata-document URLs. */
const USER_FILTER = /^[\x21-\x7e]{1,256}$/;
const CLIENT_FILTER = /^[\x21-\x7e]{1,2048}$/;

/** One delegation as its owner or an admin sees it (the tenant is always the caller's). */
export interface Delegation {
  grantId: string;
  userId: string;
  clientId: string;
  clientName: string | null;
  scopes: string[];
  issuedAt: string;
  expiresAt: string | null;
  /** When a token of the grant was last accepted, to within a minute; null if never (or not yet written by another instance). */
  lastUsedAt: string | null;
  /** The ceilings the scope policy sets for the grant's scopes: each access token's and the grant's own lifetime. */
  lifetimes: ScopeLifetime;
}

export interface DelegationPage {
  grants: Delegation[];
  nextCursor: string | null;
}

export interface DelegationQuery {
  userId?: string;
  clientId?: string;
  limit?: number;
  cursor?: string;
}

export interface RevokedDelegation {
  grantId: string;
  userId: string;
  clientId: string;
  revokedAt: string;
}

/**
 * The delegation use cases: people list and revoke their own grants, tenant admins any of their
 * tenant's. The tenant and the person always come from the caller; a grant that is someone
 * else's is answered exactly as one that does not exist.
 */
export class Delegations {
  constructor(
    private readonly server: AuthorizationServer,
    private readonly clients: ClientDirectory,
    private readonly usage: Pick<GrantUsageRecorder, 'lastUsedOf'>,
    private readonly policy: Pick<ScopePolicy, 'lifetimeOfAll'>,
    private readonly clock: () => number = Date.now,
  ) {}

  listOwn(caller: CommandMetadata, query: Pick<DelegationQuery, 'limit' | 'cursor'>): Promise<DelegationPage> {
    return this.list(caller.tenantId, { ...query, userId: caller.userId });
  }

  listTenant(caller: CommandMetadata, query: DelegationQuery): Promise<DelegationPage> {
    return this.list(caller.tenantId, query);
  }

  revokeOwn(caller: CommandMetadata, grantId: unknown): Promise<RevokedDelegation> {
    return this.revoke(caller, grantId, 'revoked_by_user', (grant) => grant.userId === caller.userId);
  }

  revokeAny(caller: CommandMetadata, grantId: unknown): Promise<RevokedDelegation> {
    return this.revoke(caller, grantId, 'revoked_by_admin', () => true);
  }

  private async list(tenantId: string, query: DelegationQuery): Promise<DelegationPage> {
    const limit = query.limit ?? DEFAULT_GRANT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_GRANT_PAGE) throw invalidFilter(`limit: 1 to ${MAX_GRANT_PAGE}`);
    if (query.userId !== undefined && !USER_FILTER.test(query.userId)) throw invalidFilter('user: 1-256 printable characters');
    if (query.clientId !== undefined && !CLIENT_FILTER.test(query.clientId)) throw invalidFilter('client: 1-2048 printable characters');
    const after = query.cursor === undefined ? undefined : decodeGrantCursor(query.cursor);
    const page = await this.server.listGrants(tenantId, {
      ...(query.userId !== undefined && { userId: query.userId }),
      ...(query.clientId !== undefined && { clientId: query.clientId }),
      limit,
      ...(after && { after }),
    });
    const names = await this.clients.namesOf(page.grants.map((grant) => grant.clientId));
    const lastUsed = await this.usage.lastUsedOf(tenantId, page.grants.map((grant) => grant.grantId));
    return {
      grants: page.grants.map((grant) => {
        const used = lastUsed.get(grant.grantId);
        return {
          ...delegationOf(grant, names.get(grant.clientId) ?? null),
          lastUsedAt: used === undefined ? null : new Date(used).toISOString(),
          lifetimes: this.policy.lifetimeOfAll(grant.scopes),
        };
      }),
      nextCursor: page.next ? encodeGrantCursor(page.next) : null,
    };
  }

  private async revoke(caller: CommandMetadata, grantId: unknown, reason: GrantRevocationReason, mayRevoke: (grant: GrantSummary) => boolean): Promise<RevokedDelegation> {
    assertGrantId(grantId);
    const grant = await this.server.findGrant(caller.tenantId, grantId);
    if (!grant || !mayRevoke(grant)) throw grantNotFound(grantId);
    await this.server.revokeGrant(grant, { by: caller.userId, reason, tool: caller.tool ?? 'grant_revoke', correlationId: caller.correlationId });
    return { grantId, userId: grant.userId, clientId: grant.clientId, revokedAt: new Date(this.clock()).toISOString() };
  }
}

function delegationOf(grant: GrantSummary, clientName: string | null): Omit<Delegation, 'lastUsedAt' | 'lifetimes'> {
  const { grantId, userId, clientId, scopes, issuedAt, expiresAt } = grant;
  return { grantId, userId, clientId, clientName, scopes, issuedAt, expiresAt };
}

function invalidFilter(message: string): ValidationError {
  return new ValidationError('identity.grant.invalid_filter', message);
}
