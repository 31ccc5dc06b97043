import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { canonicalJson } from '#event-store';

/** An Ed25519 public key as a JWK of the export keys' JWKS. */
export interface ExportPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface ExportJwks {
  keys: ExportPublicJwk[];
}

export function isEd25519(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ed25519';
}

/** RFC 7638 thumbprint (base64url SHA-256 of the required members crv, kty, x in order). */
export function jwkThumbprint(x: string): string {
  return createHash('sha256').update(canonicalJson({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url');
}

/** The JWK of an Ed25519 key (public, or the public half of a private one). */
export function publicJwkOf(key: KeyObject): ExportPublicJwk {
  const { x } = publicHalf(key).export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('an Ed25519 key exports x');
  return { kty: 'OKP', crv: 'Ed25519', x, kid: jwkThumbprint(x), alg: 'EdDSA', use: 'sig' };
}

export function publicHalf(key: KeyObject): KeyObject {
  return key.type === 'public' ? key : createPublicKey(key);
}
