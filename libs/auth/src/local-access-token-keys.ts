import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import type { AccessTokenKeySet } from './access-token-keys.port.js';
import { keySetLookup } from './key-set-lookup.js';

/**
 * The built-in authorization server's keys as a jose key lookup that follows rotation: the set
 * is re-imported only when `publicJwks()` returns another object, so an unchanged set costs one
 * identity comparison per verification.
 */
export function localAccessTokenKeys(keySet: AccessTokenKeySet): JWTVerifyGetKey {
  let jwks: ReturnType<AccessTokenKeySet['publicJwks']> | undefined;
  let lookup: JWTVerifyGetKey | undefined;
  return (header, token) => {
    const current = keySet.publicJwks();
    if (lookup === undefined || current !== jwks) {
      lookup = keySetLookup(createLocalJWKSet(current));
      jwks = current;
    }
    return lookup(header, token);
  };
}
