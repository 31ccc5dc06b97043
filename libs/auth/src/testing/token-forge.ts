import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import jwt from 'jsonwebtoken';

/** Builds the tokens the tests need, good and bad, with real keys. Test support only. */
export type Claims = Record<string, unknown>;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Claims a verifier for `issuer` and `audience` accepts, valid for an hour. */
export function validClaims(issuer: string, audience: string | string[], overrides: Claims = {}): Claims {
  const now = nowSeconds();
  return { iss: issuer, aud: audience, sub: 'alice', tenant_id: 'acme', client_id: 'test-client', scope: 'memory:read', iat: now, nbf: now, exp: now + 3600, ...overrides };
}

/** `header` adds to or overrides the protected header jsonwebtoken writes (`alg`, `typ: JWT`, `kid`). */
export function signed(claims: Claims, key: KeyObject | Buffer | string, algorithm: jwt.Algorithm, kid?: string, header: Claims = {}): string {
  return jwt.sign(claims, key, { algorithm, ...(kid === undefined ? {} : { keyid: kid }), header: { alg: algorithm, ...header } });
}

/** A protected header with a critical extension no verifier knows (RFC 7515 §4.1.11). */
export const UNKNOWN_CRITICAL_HEADER: Claims = { crit: ['x-unknown'], 'x-unknown': true };

/** An `alg: none` token: no signature at all. */
export function unsigned(claims: Claims): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

/** The same header and signature over other claims: what an attacker editing a token gets. */
export function withPayload(token: string, claims: Claims): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode(claims)}.${signature}`;
}

export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function ecKeyPair(): { privateKey: KeyObject; publicKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The public half of `publicKey` as a JWK set member: what an issuer publishes. */
export function publicJwk(publicKey: KeyObject, kid: string, alg: string): JWK {
  return { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
