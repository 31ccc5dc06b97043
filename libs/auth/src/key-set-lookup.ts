import { errors, type JWTVerifyGetKey, type LocalJWKSet, type RemoteJWKSet } from 'jose';
import { UnauthenticatedError } from './auth.errors.js';
import { TOKEN_DID_NOT_VERIFY } from './authentication-failure.js';

/**
 * A key set's lookup that wants the token to name its key (`kid`) when the set holds more than
 * one, as jwks-rsa did. jose alone would take the only key of the token's algorithm, or try
 * every key that fits: a token that does not say which key signed it is accepted only when
 * there is no choice.
 */
export function keySetLookup(keySet: LocalJWKSet | RemoteJWKSet): JWTVerifyGetKey {
  return async (header, token) => {
    if (header.kid !== undefined) return keySet(header, token);
    const key = await keySet(header, token).catch((error: unknown) => {
      throw error instanceof errors.JWKSMultipleMatchingKeys ? unnamedKey() : error;
    });
    if ((keySet.jwks()?.keys.length ?? 0) > 1) throw unnamedKey();
    return key;
  };
}

function unnamedKey(): UnauthenticatedError {
  return new UnauthenticatedError(TOKEN_DID_NOT_VERIFY, true);
}
