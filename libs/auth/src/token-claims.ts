import { UnauthenticatedError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { isScopeToken, splitScopes } from './scope.js';
import { PLATFORM_TENANT } from '#core';
import { isTenantId } from './tenant-id.js';

const MAX_ID_LENGTH = 256;
const UNKNOWN_CLIENT = 'unknown';

/**
 * Maps the claims of a token whose signature, issuer, audience and lifetime already verified to
 * the caller. The tenant comes from the token alone. Errors name the claim, never its value.
 */
export function principalFromClaims(claims: unknown): Principal {
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw invalid('the token has no claims object');
  const record = claims as Record<string, unknown>;
  if (typeof record.exp !== 'number') throw invalid('the token has no exp claim: tokens without an expiry are refused');
  if (!isTenantId(record.tenant_id)) throw invalid('the token has no valid tenant_id claim');
  // The platform's own records are nobody's tenant: a token naming it would read them.
  if (record.tenant_id === PLATFORM_TENANT) throw invalid('the token names a reserved tenant');
  if (!isIdentifier(record.sub)) throw invalid('the token has no valid sub claim');
  if (record.grant_id !== undefined && !isIdentifier(record.grant_id)) throw invalid('the token has an invalid grant_id claim');
  return {
    tenantId: record.tenant_id,
    userId: record.sub,
    clientId: clientOf(record),
    ...(record.grant_id !== undefined && { grantId: record.grant_id }),
    scopes: scopesOf(record),
    ...groupsOf(record),
  };
}

const MAX_GROUPS = 200;

/**
 * The `groups` claim, read by the tenant's policies and by approvals offered to a group. Issuers spell it differently (a string,
 * objects, hundreds of ids), and a token is not refused for a claim no check of the front door
 * needs: anything but a list of at most 200 names counts as no groups. The issuer is trusted for
 * its claims as for the scopes; policies written against groups say so in docs/policies.md.
 */
function groupsOf(claims: Record<string, unknown>): { groups?: string[] } {
  const { groups } = claims;
  if (!Array.isArray(groups) || groups.length > MAX_GROUPS || !groups.every(isIdentifier)) return {};
  return { groups: [...new Set(groups)] };
}

function clientOf(claims: Record<string, unknown>): string {
  const client = claims.client_id ?? claims.azp;
  if (client === undefined) return UNKNOWN_CLIENT;
  if (!isIdentifier(client)) throw invalid('the token has an invalid client_id or azp claim');
  return client;
}

function scopesOf(claims: Record<string, unknown>): string[] {
  const { scope, scp } = claims;
  let scopes: unknown[];
  if (scope !== undefined) {
    if (typeof scope !== 'string') throw invalid('the token has an invalid scope claim');
    scopes = splitScopes(scope);
  } else if (typeof scp === 'string') {
    scopes = splitScopes(scp);
  } else if (Array.isArray(scp)) {
    scopes = [...new Set(scp)];
  } else if (scp === undefined) {
    scopes = [];
  } else {
    throw invalid('the token has an invalid scp claim');
  }
  if (!scopes.every(isScopeToken)) throw invalid('the token has an invalid scope');
  return scopes;
}

function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function invalid(description: string): UnauthenticatedError {
  return new UnauthenticatedError(description, true);
}
