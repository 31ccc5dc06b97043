import { describe, expect, it } from '@jest/globals';
import { assertTenantId } from '#event-store';
import { UnauthenticatedError } from './auth.errors.js';
import { isTenantId } from './tenant-id.js';
import { principalFromClaims } from './token-claims.js';

const base = { sub: 'alice', tenant_id: 'acme', exp: 2_000_000_000 };

function refusal(claims: unknown): UnauthenticatedError {
  try {
    principalFromClaims(claims);
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthenticatedError);
    return error as UnauthenticatedError;
  }
  throw new Error('claims were accepted');
}

describe('principalFromClaims', () => {
  it('takes the tenant from tenant_id, the user from sub, the client from client_id and the scopes from scope', () => {
    expect(principalFromClaims({ ...base, client_id: 'claude', scope: 'memory:read  memory:write memory:read' })).toEqual({
      tenantId: 'acme',
      userId: 'alice',
      clientId: 'claude',
      scopes: ['memory:read', 'memory:write'],
    });
  });

  it('takes the groups from a groups claim that lists names, and none from anything else', () => {
    expect(principalFromClaims({ ...base, groups: ['finance', 'managers', 'finance'] }).groups).toEqual(['finance', 'managers']);
    expect(principalFromClaims(base).groups).toBeUndefined();
    for (const groups of ['finance managers', [{ name: 'x' }], [''], Array.from({ length: 201 }, (_, i) => `g${i}`)]) {
      expect(principalFromClaims({ ...base, groups }).groups).toBeUndefined();
    }
  });

  it('falls back to azp for the client, then to "unknown"', () => {
    expect(principalFromClaims({ ...base, azp: 'web-app' }).clientId).toBe('web-app');
    expect(principalFromClaims({ ...base, client_id: 'cli', azp: 'web-app' }).clientId).toBe('cli');
    expect(principalFromClaims(base).clientId).toBe('unknown');
  });

  it('reads scopes from an scp array or string when there is no scope claim, and none when neither is there', () => {
    expect(principalFromClaims({ ...base, scp: ['a', 'b', 'a'] }).scopes).toEqual(['a', 'b']);
    expect(principalFromClaims({ ...base, scp: 'a b' }).scopes).toEqual(['a', 'b']);
    expect(principalFromClaims(base).scopes).toEqual([]);
  });

  it('refuses a token without a valid tenant_id, sub or exp, naming the claim but not its value', () => {
    for (const tenant of [undefined, '', 'has space', '-leading-dash', 'x'.repeat(65), 42, ['acme']]) {
      const error = refusal({ ...base, tenant_id: tenant });
      expect(error.code).toBe('auth.invalid_token');
      expect(error.message).toContain('tenant_id');
      if (typeof tenant === 'string' && tenant.length > 0) expect(error.message).not.toContain(tenant);
    }
    expect(refusal({ ...base, sub: undefined }).message).toContain('sub');
    expect(refusal({ ...base, sub: '' }).message).toContain('sub');
    expect(refusal({ ...base, exp: undefined }).message).toContain('exp');
    expect(refusal({ ...base, exp: '2000000000' }).message).toContain('exp');
  });

  it('refuses malformed client and scope claims, and non-object claims', () => {
    expect(refusal({ ...base, client_id: 7 }).message).toContain('client_id');
    expect(refusal({ ...base, scope: ['a'] }).message).toContain('scope');
    expect(refusal({ ...base, scp: [1] }).message).toContain('scope');
    expect(refusal({ ...base, scope: 'a "quoted"' }).message).toContain('scope');
    expect(refusal({ ...base, scp: 5 }).message).toContain('scp');
    for (const claims of [null, 'text', [base]]) expect(refusal(claims).tokenPresented).toBe(true);
  });

  it('applies the same tenant id rule as the event store', () => {
    const samples = ['acme', 'A', '0', 'a.b_c-d', 'x'.repeat(64), 'x'.repeat(65), '', ' acme', '.acme', '_acme', 'acme/1', 'ä', 'a\n'];
    for (const sample of samples) {
      let storeAccepts = true;
      try {
        assertTenantId(sample);
      } catch {
        storeAccepts = false;
      }
      expect([sample, isTenantId(sample)]).toEqual([sample, storeAccepts]);
    }
  });
});
