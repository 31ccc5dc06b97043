import { describe, expect, it } from '@jest/globals';
import type { JWK } from 'jose';
import type { AccessTokenKeySet } from './access-token-keys.port.js';
import { UnauthenticatedError } from './auth.errors.js';
import { inMemorySettings } from './testing/in-memory-settings.js';
import { ecKeyPair, publicJwk, rsaKeyPair, signed, UNKNOWN_CRITICAL_HEADER, validClaims, type Claims } from './testing/token-forge.js';
import { TokenVerifier } from './token-verifier.js';

const { settings, secret } = inMemorySettings();
const ec = ecKeyPair();
const rsa = rsaKeyPair();
const AT_JWT = { typ: 'at+jwt' };

/** A key set whose keys the test swaps, counting how often the verifier asks for them. */
class RotatingKeys implements AccessTokenKeySet {
  asked = 0;
  constructor(private jwks: { keys: JWK[] }) {}
  publicJwks(): { keys: JWK[] } {
    this.asked += 1;
    return this.jwks;
  }
  rotate(keys: JWK[]): void {
    this.jwks = { keys };
  }
}

function claims(overrides: Claims = {}): Claims {
  return validClaims(settings.issuer, settings.resourceUrl, { grant_id: 'grant-1', jti: Math.random().toString(36), ...overrides });
}

async function refusal(verifier: TokenVerifier, token: string): Promise<UnauthenticatedError> {
  const error = await verifier.verify(`Bearer ${token}`).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(UnauthenticatedError);
  expect(error).toMatchObject({ code: 'auth.invalid_token', tokenPresented: true });
  return error as UnauthenticatedError;
}

describe('TokenVerifier with the built-in authorization server\'s keys (ACCESS_TOKEN_KEYS)', () => {
  const keys = new RotatingKeys({ keys: [publicJwk(ec.publicKey, 'ec-1', 'ES256'), publicJwk(rsa.publicKey, 'rsa-1', 'RS256')] });
  const verifier = TokenVerifier.fromSettings(settings, { accessTokenKeys: keys });

  it('accepts ES256 and RS256 access tokens signed by its keys, the grant id taken from the token', async () => {
    await expect(verifier.verify(`Bearer ${signed(claims(), ec.privateKey, 'ES256', 'ec-1', AT_JWT)}`)).resolves.toEqual({
      tenantId: 'acme',
      userId: 'alice',
      clientId: 'test-client',
      grantId: 'grant-1',
      scopes: ['memory:read'],
    });
    await expect(verifier.verify(`Bearer ${signed(claims(), rsa.privateKey, 'RS256', 'rsa-1', { typ: 'application/at+jwt' })}`)).resolves.toMatchObject({ grantId: 'grant-1' });
  });

  it('keeps verifying the dev issuer\'s HS256 tokens with the dev secret', async () => {
    await expect(verifier.verify(`Bearer ${signed(claims(), secret, 'HS256')}`)).resolves.toMatchObject({ userId: 'alice' });
    await refusal(verifier, signed(claims(), secret, 'HS512'));
  });

  it('refuses its tokens unless typ says at+jwt (RFC 9068)', async () => {
    for (const typ of ['JWT', undefined, 'logout+jwt']) expect((await refusal(verifier, signed(claims(), ec.privateKey, 'ES256', 'ec-1', { typ }))).message).toMatch(/typ/);
  });

  it('refuses other signers, unknown or missing key ids, another issuer or audience, and unknown critical headers', async () => {
    await refusal(verifier, signed(claims(), ecKeyPair().privateKey, 'ES256', 'ec-1', AT_JWT));
    await refusal(verifier, signed(claims(), ec.privateKey, 'ES256', 'ec-2', AT_JWT));
    await refusal(verifier, signed(claims(), ec.privateKey, 'ES256', undefined, AT_JWT));
    await refusal(verifier, signed(claims({ iss: 'https://elsewhere.example.com' }), ec.privateKey, 'ES256', 'ec-1', AT_JWT));
    await refusal(verifier, signed(claims({ aud: 'http://127.0.0.1:3001/mcp' }), ec.privateKey, 'ES256', 'ec-1', AT_JWT));
    await refusal(verifier, signed(claims(), ec.privateKey, 'ES256', 'ec-1', { ...AT_JWT, ...UNKNOWN_CRITICAL_HEADER }));
    await refusal(verifier, signed(claims(), rsa.publicPem, 'HS256', 'rsa-1', AT_JWT));
  });

  it('follows rotation: a key added verifies, a key removed no longer does, and a refusal is not remembered', async () => {
    const next = ecKeyPair();
    const rotating = new RotatingKeys({ keys: [publicJwk(ec.publicKey, 'ec-1', 'ES256')] });
    const rotated = TokenVerifier.fromSettings(settings, { accessTokenKeys: rotating });
    const early = signed(claims(), next.privateKey, 'ES256', 'ec-2', AT_JWT);
    await refusal(rotated, early);
    rotating.rotate([publicJwk(ec.publicKey, 'ec-1', 'ES256'), publicJwk(next.publicKey, 'ec-2', 'ES256')]);
    await expect(rotated.verify(`Bearer ${early}`)).resolves.toMatchObject({ userId: 'alice' });
    rotating.rotate([publicJwk(next.publicKey, 'ec-2', 'ES256')]);
    await refusal(rotated, signed(claims(), ec.privateKey, 'ES256', 'ec-1', AT_JWT));
    await expect(rotated.verify(`Bearer ${signed(claims(), next.privateKey, 'ES256', 'ec-2', AT_JWT)}`)).resolves.toMatchObject({ userId: 'alice' });
  });

  it('is not consulted beside an external issuer\'s key', async () => {
    const external = inMemorySettings({ issuer: settings.issuer, jwksUrl: 'http://127.0.0.1:1/jwks.json' }).settings;
    const withExternal = TokenVerifier.fromSettings(external, { accessTokenKeys: keys });
    const asked = keys.asked;
    await refusal(withExternal, signed(claims(), ec.privateKey, 'ES256', 'ec-1', AT_JWT));
    expect(keys.asked).toBe(asked);
  });
});
