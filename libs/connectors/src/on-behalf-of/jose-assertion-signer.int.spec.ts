import { describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { buildOnBehalfOfClaims, type OnBehalfOfContext } from './on-behalf-of.claims.js';
import { JoseAssertionSigner } from './jose-assertion-signer.js';
import { AssertionKeyInvalidError } from './on-behalf-of.errors.js';

const ISSUER = 'https://ledgerline.example.com';
const AUDIENCE = 'https://billing.example.com';
const context: OnBehalfOfContext = { tenantId: 'acme', userId: 'alice', clientId: 'claude', grantId: 'g-1', scopes: ['automation:pay', 'runs:read'], runId: 'run-1', stepId: 'pay' };

async function keyPair(kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

const claims = (now = Date.now(), audience = AUDIENCE): ReturnType<typeof buildOnBehalfOfClaims> => buildOnBehalfOfClaims({ issuer: ISSUER, audience, context, now, jti: `j-${now}` });

/** What a downstream checks (deploy/demo/downstream.mjs does the same): signature by a key of the JWKS, typ, issuer, audience, expiry. */
const verify = (token: string, keys: JWK[], audience = AUDIENCE) =>
  jwtVerify(token, createLocalJWKSet({ keys }), { issuer: ISSUER, audience, typ: 'obo+jwt', algorithms: ['ES256'] });

describe('JoseAssertionSigner', () => {
  it('signs ES256 with the key id and typ obo+jwt, and a downstream verifies exactly the claims given against the JWKS', async () => {
    const { privateJwk, publicJwk } = await keyPair('k-1');
    const signer = new JoseAssertionSigner(ISSUER, () => privateJwk);
    const given = claims();
    const token = await signer.sign(given);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'k-1', typ: 'obo+jwt' });
    const { payload } = await verify(token, [publicJwk]);
    expect(payload).toEqual(given);
  });

  it('is refused when forged (another key under the same kid), expired, for another audience or of another type', async () => {
    const { privateJwk, publicJwk } = await keyPair('k-1');
    const forger = await keyPair('k-1');
    const signer = new JoseAssertionSigner(ISSUER, () => privateJwk);

    await expect(verify(await new JoseAssertionSigner(ISSUER, () => forger.privateJwk).sign(claims()), [publicJwk])).rejects.toThrow(errors.JWSSignatureVerificationFailed);
    await expect(verify(await signer.sign(claims(Date.now() - 61_000)), [publicJwk])).rejects.toThrow(errors.JWTExpired);
    await expect(verify(await signer.sign(claims(Date.now(), 'https://other.example.com')), [publicJwk])).rejects.toThrow(errors.JWTClaimValidationFailed);
    const accessToken = await new SignJWT({ ...claims() }).setProtectedHeader({ alg: 'ES256', kid: 'k-1', typ: 'at+jwt' }).sign(await importJWK(privateJwk, 'ES256'));
    await expect(verify(accessToken, [publicJwk])).rejects.toThrow(errors.JWTClaimValidationFailed);
  });

  it('signs with the key current at each call, so a rotation takes effect at once', async () => {
    const first = await keyPair('k-1');
    const second = await keyPair('k-2');
    let current = first.privateJwk;
    const signer = new JoseAssertionSigner(ISSUER, async () => current);
    const before = await signer.sign(claims());
    current = second.privateJwk;
    const after = await signer.sign(claims());
    expect([decodeProtectedHeader(before).kid, decodeProtectedHeader(after).kid]).toEqual(['k-1', 'k-2']);
    await expect(verify(after, [first.publicJwk, second.publicJwk])).resolves.toBeDefined();
    await expect(verify(after, [first.publicJwk])).rejects.toThrow(errors.JWKSNoMatchingKey);
  });

  it('refuses keys it must not sign with: public only, another curve or algorithm, no kid', async () => {
    const { privateJwk, publicJwk } = await keyPair('k-1');
    const { kid: _, ...noKid } = privateJwk;
    for (const jwk of [publicJwk, noKid, { ...privateJwk, crv: 'P-384' }, { ...privateJwk, alg: 'ES384' }, { ...privateJwk, use: 'enc' }, { kty: 'oct', k: 'c2VjcmV0', kid: 'k-1' }]) {
      await expect(new JoseAssertionSigner(ISSUER, () => jwk).sign(claims())).rejects.toThrow(AssertionKeyInvalidError);
    }
  });
});
