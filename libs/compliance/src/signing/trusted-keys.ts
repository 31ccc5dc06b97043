import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeBase64url } from './base64url.js';
import { isEd25519, publicHalf, publicJwkOf } from './ed25519-jwk.js';
import { SigningKeyError } from './signing.errors.js';

const ED25519_SIGNATURE_BYTES = 64;
const ED25519_PUBLIC_KEY_BYTES = 32;

/** Public keys the verifier accepts signatures from, by key id (RFC 7638 thumbprint, recomputed: a stated kid is never taken on trust). */
export class TrustedKeys {
  private constructor(private readonly keys: ReadonlyMap<string, KeyObject>) {}

  static of(keys: readonly KeyObject[]): TrustedKeys {
    const byId = new Map<string, KeyObject>();
    for (const key of keys) {
      const publicKey = publicHalf(key);
      if (!isEd25519(publicKey)) throw new SigningKeyError(`a trusted export key must be Ed25519, not ${publicKey.asymmetricKeyType ?? 'unknown'}`);
      byId.set(publicJwkOf(publicKey).kid, publicKey);
    }
    return new TrustedKeys(byId);
  }

  /** A JWKS as GET /.well-known/ledgerline-export-keys serves it, or an SPKI PEM public key. */
  static parse(text: string, source: string): TrustedKeys {
    const trimmed = text.trim();
    if (!trimmed.startsWith('{')) return TrustedKeys.of([publicKeyOf(() => createPublicKey(trimmed), source)]);
    let jwks: unknown;
    try {
      jwks = JSON.parse(trimmed);
    } catch (error) {
      throw new SigningKeyError(`${source} is neither a JWKS nor a PEM public key`, { source }, error);
    }
    const keys = (jwks as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys)) throw new SigningKeyError(`${source} is not a JWKS: it has no "keys" array`, { source });
    const ed25519 = keys.filter((jwk): jwk is Record<string, unknown> => typeof jwk === 'object' && jwk !== null && jwk.kty === 'OKP' && jwk.crv === 'Ed25519');
    if (ed25519.length === 0) throw new SigningKeyError(`${source} holds no Ed25519 key`, { source });
    return TrustedKeys.of(ed25519.map((jwk, n) => {
      const x = strictX(jwk.x, `${source}: the x of Ed25519 key ${n + 1}`);
      return publicKeyOf(() => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }), source);
    }));
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /**
   * Whether the trusted key `keyId` signed `message`. A signature that is not the canonical
   * unpadded base64url of 64 bytes throws InvalidBase64urlError: its bytes may well verify, so
   * `false` would hide why the file is refused.
   */
  verify(keyId: string, message: string, signature: string): boolean {
    const key = this.keys.get(keyId);
    if (key === undefined) return false;
    return verify(null, Buffer.from(message), key, decodeBase64url(signature, 'the signature', ED25519_SIGNATURE_BYTES));
  }
}

/** The JWK's x as given, once it is proven canonical: Node's JWK import would take a lenient one as the same key. */
function strictX(x: unknown, what: string): string {
  if (typeof x !== 'string') throw new SigningKeyError(`${what} is not a string`);
  decodeBase64url(x, what, ED25519_PUBLIC_KEY_BYTES);
  return x;
}

function publicKeyOf(parse: () => KeyObject, source: string): KeyObject {
  try {
    return parse();
  } catch (error) {
    throw new SigningKeyError(`${source} holds a key that cannot be read as a public key`, { source }, error);
  }
}
