import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from './auth.errors.js';

/**
 * Turns what passport reports for a failed authentication (`err` from the verify callback, `info`
 * from passport-jwt's `fail`) into an UnauthenticatedError with a fixed description. The library's
 * own messages are not passed on: a JSON parse error quotes the token it choked on.
 * @throws `err` itself when it is not an authentication failure (a bug, not a bad token).
 */
export function authenticationFailure(err: unknown, info: unknown, tokenPresented: boolean): UnauthenticatedError {
  if (err instanceof UnauthenticatedError) return err;
  if (err) throw err;
  if (!tokenPresented) return new UnauthenticatedError('a bearer token is required', false);
  if (info instanceof jwt.TokenExpiredError) return new UnauthenticatedError('the token has expired', true);
  if (info instanceof jwt.NotBeforeError) return new UnauthenticatedError('the token is not valid yet', true);
  return new UnauthenticatedError('the token did not verify (format, signature, algorithm, issuer or audience)', true);
}
