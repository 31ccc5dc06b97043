import { describe, expect, it } from '@jest/globals';
import { ASSERTION_LIFETIME_SECONDS, buildOnBehalfOfClaims, type OnBehalfOfContext } from './on-behalf-of.claims.js';

const context: OnBehalfOfContext = {
  tenantId: 'acme', userId: 'alice', clientId: 'claude', grantId: 'grant-7', scopes: ['automation:pay_invoice', 'runs:read', 'runs:read'],
  runId: 'run-0190a5e2-0000-7000-8000-000000000001', stepId: 'pay',
};

describe('buildOnBehalfOfClaims', () => {
  it('names the platform, the run starter, the tenant, client, grant, scopes, run and step, for one audience and 60 seconds', () => {
    const claims = buildOnBehalfOfClaims({ issuer: 'https://ledgerline.example.com', audience: 'https://billing.example.com', context, now: 1_700_000_000_999, jti: 'j-1' });
    expect(claims).toEqual({
      iss: 'https://ledgerline.example.com',
      sub: 'alice',
      aud: 'https://billing.example.com',
      iat: 1_700_000_000,
      exp: 1_700_000_060,
      jti: 'j-1',
      tenant_id: 'acme',
      client_id: 'claude',
      grant_id: 'grant-7',
      scope: 'automation:pay_invoice runs:read',
      run_id: context.runId,
      step_id: 'pay',
    });
    expect(claims.exp - claims.iat).toBe(ASSERTION_LIFETIME_SECONDS);
  });

  it('leaves grant_id out when the starting call had no grant, and says an empty scope as such', () => {
    const { grantId: _, ...withoutGrant } = context;
    const claims = buildOnBehalfOfClaims({ issuer: 'i', audience: 'a', context: { ...withoutGrant, scopes: [] }, now: 0, jti: 'j' });
    expect(claims).not.toHaveProperty('grant_id');
    expect(claims.scope).toBe('');
  });
});
