import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from './auth.errors.js';
import { resolveAuthSettings, type AuthSettings } from './auth.settings.js';
import { DevIssuer } from './dev-issuer.js';
import { ecKeyPair, nowSeconds, rsaKeyPair, signed, UNKNOWN_CRITICAL_HEADER, unsigned, validClaims, withPayload } from './testing/token-forge.js';
import { TokenVerifier } from './token-verifier.js';

const dir = mkdtempSync(join(tmpdir(), 'ledgerline-verifier-'));
const publicUrl = 'http://127.0.0.1:3000';
const resource = `${publicUrl}/mcp`;

const devSettings = resolveAuthSettings({ publicUrl, dataDir: join(dir, 'data') });
const devSecret = (devSettings.key as Extract<AuthSettings['key'], { kind: 'dev' }>).secret;
const dev = TokenVerifier.fromSettings(devSettings);
const devIssuer = DevIssuer.openOrCreate(join(dir, 'data'), { issuer: devSettings.issuer, audience: resource });

const externalIssuer = 'https://id.example.com';
const rsa = rsaKeyPair();
const pemFile = join(dir, 'issuer.pem');
writeFileSync(pemFile, rsa.publicPem);
const external = TokenVerifier.fromSettings(resolveAuthSettings({ publicUrl, dataDir: join(dir, 'unused'), issuer: externalIssuer, publicKeyFile: pemFile }));

/** Expects `verify` to refuse with auth.invalid_token, and the error never to carry the token. */
async function refused(verifier: TokenVerifier, token: string, description?: RegExp): Promise<UnauthenticatedError> {
  const error = await verifier.verify(`Bearer ${token}`).then(
    () => {
      throw new Error('the token was accepted');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnauthenticatedError);
  const failure = error as UnauthenticatedError;
  expect(failure.code).toBe('auth.invalid_token');
  expect(failure.tokenPresented).toBe(true);
  if (description) expect(failure.message).toMatch(description);
  const everything = `${failure.message} ${JSON.stringify(failure.details)} ${failure.stack ?? ''}`;
  for (const part of [token, ...token.split('.').filter((segment) => segment.length > 8)]) expect(everything).not.toContain(part);
  return failure;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TokenVerifier with the dev issuer (HS256)', () => {
  it('accepts a dev token and yields the principal, the tenant taken from the token', async () => {
    const token = devIssuer.mint({ tenantId: 'acme', userId: 'alice', clientId: 'claude', scopes: ['memory:read', 'memory:write'] });
    await expect(dev.verify(`Bearer ${token}`)).resolves.toEqual({ tenantId: 'acme', userId: 'alice', clientId: 'claude', scopes: ['memory:read', 'memory:write'] });
    await expect(dev.verify(`bearer ${token}`)).resolves.toMatchObject({ tenantId: 'acme' });
  });

  it('refuses an expired token, and one not valid yet, beyond the clock tolerance', async () => {
    const now = nowSeconds();
    await refused(dev, signed(validClaims(devSettings.issuer, resource, { iat: now - 7200, nbf: now - 7200, exp: now - 31 }), devSecret, 'HS256'), /expired/);
    await refused(dev, signed(validClaims(devSettings.issuer, resource, { nbf: now + 60 }), devSecret, 'HS256'), /not valid yet/);
  });

  it('accepts a token just expired or just not yet valid within the clock tolerance (30 s)', async () => {
    const now = nowSeconds();
    await expect(dev.verify(`Bearer ${signed(validClaims(devSettings.issuer, resource, { exp: now - 10 }), devSecret, 'HS256')}`)).resolves.toMatchObject({ userId: 'alice' });
    await expect(dev.verify(`Bearer ${signed(validClaims(devSettings.issuer, resource, { nbf: now + 10 }), devSecret, 'HS256')}`)).resolves.toMatchObject({ userId: 'alice' });
  });

  it('refuses a token for another audience or from another issuer', async () => {
    await refused(dev, signed(validClaims(devSettings.issuer, 'http://127.0.0.1:3001/mcp'), devSecret, 'HS256'), /did not verify/);
    await refused(dev, signed(validClaims(devSettings.issuer, publicUrl), devSecret, 'HS256'));
    await refused(dev, signed(validClaims('http://evil.example.com', resource), devSecret, 'HS256'));
    await expect(dev.verify(`Bearer ${signed(validClaims(devSettings.issuer, ['https://other.example.com', resource]), devSecret, 'HS256')}`)).resolves.toMatchObject({ userId: 'alice' });
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const token = devIssuer.mint({ tenantId: 'acme', userId: 'alice', scopes: ['memory:read'] });
    const claims = jwt.decode(token) as Record<string, unknown>;
    await refused(dev, withPayload(token, { ...claims, tenant_id: 'globex' }));
    await refused(dev, withPayload(token, { ...claims, scope: 'memory:read admin' }));
  });

  it('refuses alg none, other HMAC algorithms, other secrets, and garbage', async () => {
    await refused(dev, unsigned(validClaims(devSettings.issuer, resource)));
    await refused(dev, `${unsigned(validClaims(devSettings.issuer, resource))}c2lnbmF0dXJl`);
    await refused(dev, signed(validClaims(devSettings.issuer, resource), devSecret, 'HS512'));
    await refused(dev, signed(validClaims(devSettings.issuer, resource), Buffer.alloc(32, 7), 'HS256'));
    await refused(dev, 'not.a.jwt');
    await refused(dev, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ7InRoaXMiOiJpcyBub3QgSlNPTiJ9.c2ln');
  });

  it('refuses a verified token that lacks an expiry or a tenant', async () => {
    const { exp: _exp, ...noExpiry } = validClaims(devSettings.issuer, resource);
    await refused(dev, signed(noExpiry, devSecret, 'HS256'), /exp/);
    await refused(dev, signed(validClaims(devSettings.issuer, resource, { tenant_id: undefined }), devSecret, 'HS256'), /tenant_id/);
  });

  it('reports a missing or non-bearer Authorization header as no token presented', async () => {
    for (const header of [undefined, '', 'Basic YWxpY2U6c2VjcmV0', 'Bearer']) {
      const error = await dev.verify(header).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect(error).toMatchObject({ code: 'auth.invalid_token', tokenPresented: false });
    }
  });
});

describe('TokenVerifier with an external issuer\'s public key file (RS256)', () => {
  it('accepts an RS256 token signed by the issuer', async () => {
    const token = signed(validClaims(externalIssuer, resource, { azp: 'web', client_id: undefined, scope: undefined, scp: ['memory:read'] }), rsa.privateKey, 'RS256');
    await expect(external.verify(`Bearer ${token}`)).resolves.toEqual({ tenantId: 'acme', userId: 'alice', clientId: 'web', scopes: ['memory:read'] });
  });

  it('refuses HS/RS confusion: an HS256 token whose HMAC key is the issuer\'s public key PEM', async () => {
    const forged = signed(validClaims(externalIssuer, resource), rsa.publicPem, 'HS256');
    await refused(external, forged);
    // And below the allow-list, jose itself refuses an HMAC check against a public key.
    await expect(jwtVerify(forged, rsa.publicKey, { algorithms: ['HS256', 'RS256'] })).rejects.toThrow(/must be of type "secret"/);
  });

  it('refuses a dev (HS256) token, and tokens signed by other keys', async () => {
    await refused(external, signed(validClaims(externalIssuer, resource), devSecret, 'HS256'));
    await refused(external, signed(validClaims(externalIssuer, resource), rsaKeyPair().privateKey, 'RS256'));
    await refused(external, signed(validClaims(externalIssuer, resource), ecKeyPair().privateKey, 'ES256'));
    await refused(external, unsigned(validClaims(externalIssuer, resource)));
  });
});

describe('TokenVerifier and the JOSE header', () => {
  const devToken = (header: Record<string, unknown>) => signed(validClaims(devSettings.issuer, resource), devSecret, 'HS256', undefined, header);
  const externalToken = (header: Record<string, unknown>) => signed(validClaims(externalIssuer, resource), rsa.privateKey, 'RS256', undefined, header);

  it('refuses a correctly signed token with a critical header parameter it does not understand (RFC 7515 §4.1.11)', async () => {
    await refused(dev, devToken(UNKNOWN_CRITICAL_HEADER), /did not verify/);
    await refused(external, externalToken(UNKNOWN_CRITICAL_HEADER), /did not verify/);
    // The same tokens without `crit` verify: the signature is not what is refused.
    await expect(dev.verify(`Bearer ${devToken({ 'x-unknown': true })}`)).resolves.toMatchObject({ userId: 'alice' });
    await expect(external.verify(`Bearer ${externalToken({ 'x-unknown': true })}`)).resolves.toMatchObject({ userId: 'alice' });
  });

  it('accepts typ JWT or at+jwt in any case, or no typ at all', async () => {
    for (const typ of ['JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/at+jwt', undefined]) {
      await expect(dev.verify(`Bearer ${devToken({ typ })}`)).resolves.toMatchObject({ userId: 'alice' });
      await expect(external.verify(`Bearer ${externalToken({ typ })}`)).resolves.toMatchObject({ userId: 'alice' });
    }
  });

  it('refuses a token whose typ says it is another kind of JWT (RFC 8725 §3.11)', async () => {
    for (const typ of ['logout+jwt', 'dpop+jwt', 'secevent+jwt', 'application/jwt', 'JOSE', '', 7]) {
      await refused(dev, devToken({ typ }), /typ/);
      await refused(external, externalToken({ typ }), /typ/);
    }
  });
});
