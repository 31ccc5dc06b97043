import { describe, expect, it } from '@jest/globals';
import { ForbiddenError } from '#core';
import { UnauthenticatedError } from './auth.errors.js';
import type { GrantStatus } from './grant-status.port.js';
import type { Principal } from './principal.js';
import { TenantAccess } from './tenant-access.js';
import { inMemorySettings } from './testing/in-memory-settings.js';
import { signed, validClaims } from './testing/token-forge.js';
import { TokenVerifier } from './token-verifier.js';

const { settings, secret } = inMemorySettings();

/** Grants revoked by id; records what it was asked, in order with the tenant check. */
class RevocableGrants implements GrantStatus {
  readonly revoked = new Set<string>();
  constructor(private readonly calls: string[]) {}
  assertActive(principal: Principal): void {
    this.calls.push(`grant ${principal.grantId ?? '-'}`);
    if (principal.grantId !== undefined && this.revoked.has(principal.grantId)) throw new UnauthenticatedError('the grant was revoked', true);
  }
}

function setUp(): { verifier: TokenVerifier; grants: RevocableGrants; calls: string[]; suspended: Set<string> } {
  const calls: string[] = [];
  const suspended = new Set<string>();
  const tenantAccess = new TenantAccess();
  tenantAccess.enforce({
    assertMayAct: async (tenantId) => {
      calls.push(`tenant ${tenantId}`);
      if (suspended.has(tenantId)) throw new ForbiddenError('tenant.suspended', 'the tenant is suspended');
    },
  });
  const grants = new RevocableGrants(calls);
  return { verifier: TokenVerifier.fromSettings(settings, { tenantAccess, grantStatus: grants }), grants, calls, suspended };
}

const token = (grantId?: string) => signed(validClaims(settings.issuer, settings.resourceUrl, grantId === undefined ? {} : { grant_id: grantId }), secret, 'HS256');

describe('TokenVerifier with GRANT_STATUS', () => {
  it('asks on every verification, with the mapped principal, before the tenant check', async () => {
    const { verifier, calls } = setUp();
    const delegated = token('grant-1');
    await verifier.verify(`Bearer ${delegated}`);
    await verifier.verify(`Bearer ${delegated}`);
    await verifier.verify(`Bearer ${token()}`);
    expect(calls).toEqual(['grant grant-1', 'tenant acme', 'grant grant-1', 'tenant acme', 'grant -', 'tenant acme']);
  });

  it('refuses a token whose grant was revoked with 401 invalid_token, and never reaches the tenant check', async () => {
    const { verifier, grants, calls } = setUp();
    grants.revoked.add('grant-1');
    const error = await verifier.verify(`Bearer ${token('grant-1')}`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error).toMatchObject({ code: 'auth.invalid_token', tokenPresented: true, message: 'the grant was revoked' });
    expect(calls).toEqual(['grant grant-1']);
  });

  it('is asked by authenticate too, which leaves the tenant to the caller', async () => {
    const { verifier, grants, calls, suspended } = setUp();
    suspended.add('acme');
    await expect(verifier.authenticate(`Bearer ${token('grant-2')}`)).resolves.toMatchObject({ grantId: 'grant-2' });
    await expect(verifier.verify(`Bearer ${token('grant-2')}`)).rejects.toMatchObject({ code: 'tenant.suspended' });
    grants.revoked.add('grant-2');
    await expect(verifier.authenticate(`Bearer ${token('grant-2')}`)).rejects.toMatchObject({ message: 'the grant was revoked' });
    expect(calls).toEqual(['grant grant-2', 'grant grant-2', 'tenant acme', 'grant grant-2']);
  });
});
