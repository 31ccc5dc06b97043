import { parseAccountId } from '../provider/account-id.js';

/** A delegation as people see it: who, to which client, which of the resource's scopes, until when. */
export interface GrantSummary {
  grantId: string;
  tenantId: string;
  userId: string;
  clientId: string;
  scopes: string[];
  issuedAt: string;
  expiresAt: string | null;
}

/**
 * Reads oidc-provider's Grant payload: the scopes are those granted for the MCP resource less any
 * the person refused (the library keeps both lists). Undefined for a payload that names no
 * account or client, which no consent of ours writes.
 */
export function grantSummaryOf(grantId: string, payload: Record<string, unknown>, resourceUrl: string): GrantSummary | undefined {
  const account = typeof payload.accountId === 'string' ? parseAccountId(payload.accountId) : undefined;
  if (!account || typeof payload.clientId !== 'string') return undefined;
  const granted = scopesFor(payload.resources, resourceUrl);
  const refused = new Set(scopesFor((payload.rejected as { resources?: unknown } | undefined)?.resources, resourceUrl));
  return {
    grantId,
    tenantId: account.tenantId,
    userId: account.userId,
    clientId: payload.clientId,
    scopes: granted.filter((scope) => !refused.has(scope)),
    issuedAt: isoOfSeconds(payload.iat) ?? new Date(0).toISOString(),
    expiresAt: isoOfSeconds(payload.exp),
  };
}

function scopesFor(resources: unknown, resourceUrl: string): string[] {
  const scope = typeof resources === 'object' && resources !== null ? (resources as Record<string, unknown>)[resourceUrl] : undefined;
  return typeof scope === 'string' ? scope.split(' ').filter((item) => item !== '') : [];
}

function isoOfSeconds(value: unknown): string | null {
  return typeof value === 'number' ? new Date(value * 1000).toISOString() : null;
}
