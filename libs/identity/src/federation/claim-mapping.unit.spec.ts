import { describe, expect, it } from '@jest/globals';
import { mapClaims } from './claim-mapping.js';
import type { TenantMapping, UpstreamProvider } from './upstream-provider.js';

const provider = (userClaim: string, tenantMapping: TenantMapping): UpstreamProvider => ({
  id: 'default', issuer: 'https://sso.example.com', clientId: 'ledgerline', clientSecret: 'not-used-here', label: 'Sign in with Acme SSO', scopes: 'openid email', userClaim, tenantMapping,
});
const byClaims = (tenantClaim: string | undefined, domains: Record<string, string> = {}): TenantMapping => ({ kind: 'claims', tenantClaim, tenantDomains: new Map(Object.entries(domains)) });

describe('mapping verified upstream claims to a tenant and a user', () => {
  it('takes the user from the configured claim and the tenant from a fixed mapping', () => {
    expect(mapClaims(provider('sub', { kind: 'fixed', tenant: 'acme' }), { sub: '00u1abc' })).toEqual({ ok: true, tenantId: 'acme', userId: '00u1abc' });
    expect(mapClaims(provider('preferred_username', { kind: 'fixed', tenant: 'acme' }), { sub: 'x', preferred_username: 'carol' })).toEqual({ ok: true, tenantId: 'acme', userId: 'carol' });
  });

  it('takes the tenant from the tenant claim before the email domain', () => {
    const mapping = byClaims('ledgerline_tenant', { 'acme.example': 'acme' });
    expect(mapClaims(provider('sub', mapping), { sub: 'u1', ledgerline_tenant: 'globex', email: 'a@acme.example', email_verified: true })).toMatchObject({ ok: true, tenantId: 'globex' });
    expect(mapClaims(provider('sub', mapping), { sub: 'u1', email: 'A@ACME.example', email_verified: true })).toMatchObject({ ok: true, tenantId: 'acme' });
  });

  it('trusts an email (as user id or for its domain) only when the provider verified it, and compares it without case', () => {
    const mapping = byClaims(undefined, { 'acme.example': 'acme' });
    expect(mapClaims(provider('email', mapping), { sub: 'u1', email: 'Carol@Acme.Example', email_verified: true })).toEqual({ ok: true, tenantId: 'acme', userId: 'carol@acme.example' });
    expect(mapClaims(provider('email', mapping), { sub: 'u1', email: 'carol@acme.example', email_verified: 'true' })).toMatchObject({ ok: false, reason: 'email_unverified' });
    expect(mapClaims(provider('sub', mapping), { sub: 'u1', email: 'carol@acme.example' })).toMatchObject({ ok: false, reason: 'email_unverified', userId: 'u1' });
    expect(mapClaims(provider('email', { kind: 'fixed', tenant: 'acme' }), { sub: 'u1', email: 'carol@acme.example', email_verified: false })).toMatchObject({ ok: false, reason: 'email_unverified' });
  });

  it('refuses when no tenant maps, or the claim names no valid tenant (the platform tenant included)', () => {
    const mapping = byClaims('tenant', { 'acme.example': 'acme' });
    expect(mapClaims(provider('sub', mapping), { sub: 'u1', email: 'dave@nowhere.example', email_verified: true })).toEqual({ ok: false, reason: 'no_tenant', userId: 'u1', tenantId: undefined });
    expect(mapClaims(provider('sub', mapping), { sub: 'u1' })).toMatchObject({ ok: false, reason: 'no_tenant' });
    expect(mapClaims(provider('sub', byClaims('tenant')), { sub: 'u1', email: 'a@acme.example', email_verified: true })).toMatchObject({ ok: false, reason: 'no_tenant' });
    expect(mapClaims(provider('sub', mapping), { sub: 'u1', tenant: 'ledgerline-platform' })).toMatchObject({ ok: false, reason: 'invalid_tenant' });
    expect(mapClaims(provider('sub', mapping), { sub: 'u1', tenant: 'acme:admin' })).toMatchObject({ ok: false, reason: 'invalid_tenant' });
    expect(mapClaims(provider('sub', mapping), { sub: 'u1', tenant: ['acme'] })).toMatchObject({ ok: false, reason: 'invalid_tenant' });
  });

  it('refuses a missing, empty, overlong or control-character user id', () => {
    const fixed = provider('preferred_username', { kind: 'fixed', tenant: 'acme' });
    for (const value of [undefined, '', 'x'.repeat(257), 'carol\nadmin', 42]) {
      expect(mapClaims(fixed, { sub: 'u1', preferred_username: value })).toMatchObject({ ok: false, reason: 'no_user_id' });
    }
  });
});
