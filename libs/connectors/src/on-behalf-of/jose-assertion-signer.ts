import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { AssertionSigner } from './assertion-signer.port.js';
import type { OnBehalfOfClaims } from './on-behalf-of.claims.js';
import { AssertionKeyInvalidError } from './on-behalf-of.errors.js';

export const ASSERTION_ALGORITHM = 'ES256';
/**
 * Explicit typing (RFC 8725, section 3.11): a downstream that checks `typ` cannot be handed an
 * access token (`at+jwt`, RFC 9068) or an ID token in place of an assertion, nor the reverse.
 */
export const ASSERTION_TYPE = 'obo+jwt';

/** The key the platform signs with now: a private ES256 JWK (`d`) naming itself with `kid`. */
export type SigningKeySource = () => JWK | Promise<JWK>;

/**
 * Signs assertions with whatever key `currentKey` names at the time, so a rotation of the
 * platform's key set takes effect at the next call. Each key is imported once per `kid` (a kid
 * names one key); only the current one is kept.
 */
export class JoseAssertionSigner implements AssertionSigner {
  private readonly imported = new Map<string, Promise<CryptoKey>>();

  constructor(
    readonly issuer: string,
    private readonly currentKey: SigningKeySource,
  ) {}

  async sign(claims: OnBehalfOfClaims): Promise<string> {
    const jwk = await this.currentKey();
    const kid = signingKidOf(jwk);
    const key = await this.importOnce(kid, jwk);
    return new SignJWT({ ...claims }).setProtectedHeader({ alg: ASSERTION_ALGORITHM, kid, typ: ASSERTION_TYPE }).sign(key);
  }

  private importOnce(kid: string, jwk: JWK): Promise<CryptoKey> {
    const cached = this.imported.get(kid);
    if (cached) return cached;
    this.imported.clear();
    const importing = importJWK(jwk, ASSERTION_ALGORITHM).then((key) => key as CryptoKey);
    // A failed import is not remembered: the next call tries the key source again.
    importing.catch(() => this.imported.delete(kid));
    this.imported.set(kid, importing);
    return importing;
  }
}

function signingKidOf(jwk: JWK): string {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new AssertionKeyInvalidError('not an EC P-256 key');
  if (typeof jwk.d !== 'string') throw new AssertionKeyInvalidError('a public key (no d): signing needs the private key');
  if (jwk.alg !== undefined && jwk.alg !== ASSERTION_ALGORITHM) throw new AssertionKeyInvalidError(`meant for ${jwk.alg}, not ${ASSERTION_ALGORITHM}`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new AssertionKeyInvalidError(`meant for use ${jwk.use}, not sig`);
  if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new AssertionKeyInvalidError('no kid: a downstream could not pick the key from the JWKS');
  return jwk.kid;
}
