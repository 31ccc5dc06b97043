import type { OnBehalfOfClaims } from './on-behalf-of.claims.js';

/**
 * Signs on-behalf-of assertions with the platform's key. The platform's authorization server owns
 * the key set and binds this token (in a global module that exports it, or through
 * ConnectorsModule.forRoot's `assertionSigner`); while nothing is bound, a connector that asks for
 * an assertion is never called (connector.on_behalf_of.unavailable).
 */
export const ASSERTION_SIGNER = Symbol('ASSERTION_SIGNER');

export interface AssertionSigner {
  /** The `iss` of every assertion: the platform's issuer, as its JWKS is published under. */
  readonly issuer: string;
  /** A compact JWS of exactly these claims, with header `typ: obo+jwt` and the signing key's `kid`. */
  sign(claims: OnBehalfOfClaims): Promise<string>;
}
