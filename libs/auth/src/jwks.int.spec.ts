import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { UnauthenticatedError } from './auth.errors.js';
import { resolveAuthSettings } from './auth.settings.js';
import { startJwksServer, type JwksServer } from './testing/jwks-server.js';
import { ecKeyPair, rsaKeyPair, signed, UNKNOWN_CRITICAL_HEADER, validClaims } from './testing/token-forge.js';
import { TokenVerifier } from './token-verifier.js';

const issuer = 'https://id.example.com/';
const publicUrl = 'http://127.0.0.1:3000';
const resource = `${publicUrl}/mcp`;
const rsa = rsaKeyPair();
const ec = ecKeyPair();
const BUILT_INDEX = 'dist/libs/auth/src/index.js';

function verifierFor(jwksUrl: string): TokenVerifier {
  return TokenVerifier.fromSettings(resolveAuthSettings({ publicUrl, dataDir: '/nonexistent', issuer, jwksUrl }));
}

async function expectRefused(verifier: TokenVerifier, token: string): Promise<void> {
  const error = await verifier.verify(`Bearer ${token}`).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(UnauthenticatedError);
  expect(error).toMatchObject({ code: 'auth.invalid_token', tokenPresented: true });
  expect((error as Error).message).not.toContain(token.split('.')[2]);
}

describe('TokenVerifier with an external issuer\'s JWKS (real HTTP on 127.0.0.1)', () => {
  let jwks: JwksServer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    jwks = await startJwksServer([
      { kid: 'rsa-1', alg: 'RS256', publicKey: rsa.publicKey },
      { kid: 'ec-1', alg: 'ES256', publicKey: ec.publicKey },
    ]);
    verifier = verifierFor(jwks.url);
  });
  afterAll(() => jwks.close());

  it('accepts ES256 and RS256 tokens signed with the keys the JWKS names by kid, fetching the set once', async () => {
    const claims = validClaims(issuer, resource, { tenant_id: 'globex', sub: 'bob' });
    await expect(verifier.verify(`Bearer ${signed(claims, ec.privateKey, 'ES256', 'ec-1')}`)).resolves.toMatchObject({ tenantId: 'globex', userId: 'bob' });
    await expect(verifier.verify(`Bearer ${signed(claims, rsa.privateKey, 'RS256', 'rsa-1')}`)).resolves.toMatchObject({ tenantId: 'globex', userId: 'bob' });
    await expect(verifier.verify(`Bearer ${signed(claims, ec.privateKey, 'ES256', 'ec-1')}`)).resolves.toMatchObject({ tenantId: 'globex' });
    expect(jwks.requests()).toBe(1);
  });

  it('refuses unknown key ids, a missing kid among several keys, a key used for the wrong algorithm, and other signers', async () => {
    const claims = validClaims(issuer, resource);
    await expectRefused(verifier, signed(claims, ec.privateKey, 'ES256', 'unknown'));
    await expectRefused(verifier, signed(claims, ec.privateKey, 'ES256'));
    await expectRefused(verifier, signed(claims, ecKeyPair().privateKey, 'ES256', 'ec-1'));
    await expectRefused(verifier, signed(claims, rsa.privateKey, 'RS512', 'rsa-1'));
    await expectRefused(verifier, signed(validClaims(issuer, 'http://elsewhere.example.com/mcp'), rsa.privateKey, 'RS256', 'rsa-1'));
  });

  it('refuses a correctly signed token with a critical header parameter it does not understand (RFC 7515 §4.1.11)', async () => {
    await expectRefused(verifier, signed(validClaims(issuer, resource), ec.privateKey, 'ES256', 'ec-1', UNKNOWN_CRITICAL_HEADER));
    await expectRefused(verifier, signed(validClaims(issuer, resource), rsa.privateKey, 'RS256', 'rsa-1', UNKNOWN_CRITICAL_HEADER));
    await expect(verifier.verify(`Bearer ${signed(validClaims(issuer, resource), ec.privateKey, 'ES256', 'ec-1', { 'x-unknown': true })}`)).resolves.toMatchObject({ tenantId: 'acme' });
  });

  it('refuses HS/RS confusion: HS256 signed with the JWKS key\'s public PEM', async () => {
    await expectRefused(verifier, signed(validClaims(issuer, resource), rsa.publicPem, 'HS256', 'rsa-1'));
    await expectRefused(verifier, signed(validClaims(issuer, resource), ec.publicPem, 'HS256', 'ec-1'));
  });

  it('does not refetch the JWKS for made-up key ids within the cooldown', async () => {
    const limited = verifierFor(jwks.url);
    const before = jwks.requests();
    for (let index = 0; index < 15; index += 1) {
      await expectRefused(limited, signed(validClaims(issuer, resource), ec.privateKey, 'ES256', randomUUID()));
    }
    expect(jwks.requests() - before).toBe(1);
  });

  it('refuses, as an invalid token, when the JWKS cannot be fetched', async () => {
    const stopped = await startJwksServer([]);
    await stopped.close();
    await expectRefused(verifierFor(stopped.url), signed(validClaims(issuer, resource), ec.privateKey, 'ES256', 'ec-1'));
  });

  it('works in the built code under plain Node, with jose as Node loads it (needs npm run build)', async () => {
    expect(existsSync(BUILT_INDEX)).toBe(true);
    const script = `
      const { TokenVerifier, resolveAuthSettings } = await import(process.cwd() + '/${BUILT_INDEX}');
      const verifier = TokenVerifier.fromSettings(resolveAuthSettings(JSON.parse(process.env.SETTINGS)));
      const results = [];
      for (const token of JSON.parse(process.env.TOKENS)) {
        results.push(await verifier.verify('Bearer ' + token).then((principal) => principal.tenantId, (error) => error.code));
      }
      console.log(JSON.stringify(results));`;
    const claims = validClaims(issuer, resource);
    const tokens = [signed(claims, ec.privateKey, 'ES256', 'ec-1'), signed(claims, rsa.privateKey, 'RS256', 'rsa-1'), signed(claims, rsa.publicPem, 'HS256', 'rsa-1')];
    // Asynchronous on purpose: this process serves the JWKS the child fetches.
    const child = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, SETTINGS: JSON.stringify({ publicUrl, dataDir: '/nonexistent', issuer, jwksUrl: jwks.url }), TOKENS: JSON.stringify(tokens) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual(['acme', 'acme', 'auth.invalid_token']);
  });
});
