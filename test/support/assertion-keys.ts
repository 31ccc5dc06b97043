import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

export interface AssertionKey {
  kid: string;
  publicKey: KeyObject;
  /** What JoseAssertionSigner signs with. */
  privateJwk: JWK;
  /** What a JWKS publishes. */
  publicJwk: JWK;
}

/** An ES256 key pair as the platform's key set would hold one for on-behalf-of assertions. */
export function assertionKey(kid: string): AssertionKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const parameters = { kid, alg: 'ES256', use: 'sig' };
  return { kid, publicKey, privateJwk: { ...privateKey.export({ format: 'jwk' }), ...parameters }, publicJwk: { ...publicKey.export({ format: 'jwk' }), ...parameters } };
}
