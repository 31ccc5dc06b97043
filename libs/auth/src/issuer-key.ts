import { createPublicKey, createSecretKey, type KeyObject, type webcrypto } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { AuthKey } from './auth.settings.js';
import { keySetLookup } from './key-set-lookup.js';

export type VerificationKey = webcrypto.CryptoKey | KeyObject | JWTVerifyGetKey;

const JWKS_TIMEOUT_MS = 5000;
/** After a fetch, a token naming a `kid` the set lacks waits this long before the set is fetched again. */
const JWKS_COOLDOWN_MS = 30_000;
const JWKS_CACHE_MAX_AGE_MS = 10 * 60 * 1000;

/** The configured issuer's key, parsed once here rather than on every verification. */
export function issuerKeyOf(key: AuthKey): VerificationKey {
  switch (key.kind) {
    case 'dev':
      // A CryptoKey, not a KeyObject: jose would export and re-import a secret KeyObject per call.
      return createSecretKey(key.secret).toCryptoKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    case 'public-key':
      return createPublicKey(key.pem);
    case 'jwks':
      // Unknown `kid`s refetch at most once per cooldown: made-up key ids cannot flood the issuer.
      return keySetLookup(
        createRemoteJWKSet(new URL(key.jwksUrl), { timeoutDuration: JWKS_TIMEOUT_MS, cooldownDuration: JWKS_COOLDOWN_MS, cacheMaxAge: JWKS_CACHE_MAX_AGE_MS }),
      );
  }
}
