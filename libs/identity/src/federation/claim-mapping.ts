import { PLATFORM_TENANT } from '#core';
import { isTenantId } from '#auth';
import type { UpstreamProvider } from './upstream-provider.js';

const MAX_USER_ID_LENGTH = 256;

/** Why verified upstream claims name nobody Ledgerline can sign in (each has its own page text). */
export type ClaimRefusal = 'no_user_id' | 'email_unverified' | 'no_tenant' | 'invalid_tenant';

export type ClaimMapping =
  | { ok: true; tenantId: string; userId: string }
  | { ok: false; reason: ClaimRefusal; userId: string | undefined; tenantId: string | undefined };

/**
 * Who a verified ID token names in Ledgerline: the user id from the provider's user claim, the
 * tenant from its mapping. Email is trusted only when the provider says it verified it: an address
 * anyone could type in at the provider must not choose a tenant or a user.
 */
export function mapClaims(provider: UpstreamProvider, claims: Readonly<Record<string, unknown>>): ClaimMapping {
  const emailVerified = claims.email_verified === true;
  const userId = userIdOf(provider.userClaim, claims[provider.userClaim]);
  const refuse = (reason: ClaimRefusal, tenantId?: string): ClaimMapping => ({ ok: false, reason, userId, tenantId });
  if (userId === undefined) return refuse('no_user_id');
  if (provider.userClaim === 'email' && !emailVerified) return refuse('email_unverified');
  const tenant = tenantOf(provider, claims, emailVerified);
  if (typeof tenant !== 'string') return refuse(tenant.refusal);
  if (!isTenantId(tenant) || tenant === PLATFORM_TENANT) return refuse('invalid_tenant');
  return { ok: true, tenantId: tenant, userId };
}

function tenantOf(provider: UpstreamProvider, claims: Readonly<Record<string, unknown>>, emailVerified: boolean): string | { refusal: ClaimRefusal } {
  const mapping = provider.tenantMapping;
  if (mapping.kind === 'fixed') return mapping.tenant;
  const named = mapping.tenantClaim === undefined ? undefined : claims[mapping.tenantClaim];
  if (named !== undefined) return typeof named === 'string' ? named : { refusal: 'invalid_tenant' };
  if (mapping.tenantDomains.size === 0) return { refusal: 'no_tenant' };
  const email = claims.email;
  if (typeof email !== 'string' || !email.includes('@')) return { refusal: 'no_tenant' };
  if (!emailVerified) return { refusal: 'email_unverified' };
  return mapping.tenantDomains.get(email.slice(email.lastIndexOf('@') + 1).toLowerCase()) ?? { refusal: 'no_tenant' };
}

/** A string of 1-256 characters without control characters; an email address is compared without case. */
function userIdOf(claim: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_USER_ID_LENGTH || /[\x00-\x1f\x7f]/.test(value)) return undefined;
  return claim === 'email' ? value.toLowerCase() : value;
}
