import { describe, expect, it } from '@jest/globals';
import { UnauthenticatedError } from './auth.errors.js';
import type { GrantUsage } from './grant-usage.port.js';
import type { Principal } from './principal.js';
import { inMemorySettings } from './testing/in-memory-settings.js';
import { signed, validClaims } from './testing/token-forge.js';
import { TokenVerifier } from './token-verifier.js';

const { settings, secret } = inMemorySettings();
const token = (grantId: string) => signed(validClaims(settings.issuer, settings.resourceUrl, { grant_id: grantId }), secret, 'HS256');

describe('TokenVerifier with GRANT_USAGE', () => {
  it('notes every accepted token, a cached one too, and never one whose grant was refused', async () => {
    const used: string[] = [];
    const usage: GrantUsage = { noteUse: (principal: Principal) => used.push(`${principal.tenantId} ${principal.grantId}`) };
    const grantStatus = { assertActive: (principal: Principal) => { if (principal.grantId === 'revoked') throw new UnauthenticatedError('the grant was revoked', true); } };
    const verifier = TokenVerifier.fromSettings(settings, { grantStatus, grantUsage: usage });
    const delegated = token('grant-1');
    await verifier.verify(`Bearer ${delegated}`);
    await verifier.authenticate(`Bearer ${delegated}`);
    await expect(verifier.verify(`Bearer ${token('revoked')}`)).rejects.toMatchObject({ code: 'auth.invalid_token' });
    expect(used).toEqual(['acme grant-1', 'acme grant-1']);
  });
});
