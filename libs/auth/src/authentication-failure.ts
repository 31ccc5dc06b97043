import { errors } from 'jose';
import { UnauthenticatedError } from './auth.errors.js';

export const TOKEN_DID_NOT_VERIFY = 'the token did not verify (format, signature, algorithm, issuer or audience)';

/**
 * Turns whatever token verification threw into an UnauthenticatedError with a fixed description.
 * The library's own messages are not passed on (a parse error can quote what it choked on), and
 * anything it throws, a key it cannot use or an issuer whose keys cannot be fetched included, is
 * a token this server cannot verify: 401, as it was with jsonwebtoken.
 */
export function authenticationFailure(error: unknown): UnauthenticatedError {
  if (error instanceof UnauthenticatedError) return error;
  if (error instanceof errors.JWTExpired) return new UnauthenticatedError('the token has expired', true);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new UnauthenticatedError('the token is not valid yet', true);
    if (error.claim === 'exp' && error.reason === 'missing') return new UnauthenticatedError('the token has no exp claim: tokens without an expiry are refused', true);
  }
  return new UnauthenticatedError(TOKEN_DID_NOT_VERIFY, true);
}
