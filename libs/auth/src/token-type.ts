import { UnauthenticatedError } from './auth.errors.js';

/** RFC 9068 §2.1: what a JWT access token's `typ` says; compared lower-cased. */
const ACCESS_TOKEN_TYPES: readonly string[] = ['at+jwt', 'application/at+jwt'];
const ACCEPTED_TYPES: readonly string[] = ['jwt', ...ACCESS_TOKEN_TYPES];

/**
 * Refuses a JWT that says it is something other than an access token (an ID token, a logout or
 * DPoP proof: RFC 8725 §3.11), so a token minted for another purpose cannot be replayed here.
 * Without `typ` a token passes, unless `accessTokensOnly`: the built-in authorization server's
 * tokens always say `at+jwt`.
 * @throws UnauthenticatedError (`auth.invalid_token`)
 */
export function checkTokenType(typ: unknown, accessTokensOnly: boolean): void {
  if (typ === undefined && !accessTokensOnly) return;
  const accepted = accessTokensOnly ? ACCESS_TOKEN_TYPES : ACCEPTED_TYPES;
  if (typeof typ !== 'string' || !accepted.includes(typ.toLowerCase())) {
    throw new UnauthenticatedError('the token is not an access token (its typ header names another kind of token)', true);
  }
}
