import { decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyOptions, type ProtectedHeaderParameters } from 'jose';
import { checkAlgorithms } from './algorithms.js';
import type { AuthSettings } from './auth.settings.js';
import { authenticationFailure } from './authentication-failure.js';
import { issuerKeyOf, type VerificationKey } from './issuer-key.js';
import { checkTokenType } from './token-type.js';

/**
 * Verifies a JWT with jose: signature under an allow-listed algorithm, issuer, audience (this
 * resource), `exp` required, `nbf`, both with the clock tolerance. No `crit` option, ever: jose
 * then refuses every critical header parameter it does not understand (RFC 7515 §4.1.11).
 */
export class JwtVerification {
  private readonly key: VerificationKey;
  private readonly options: JWTVerifyOptions;

  constructor(settings: AuthSettings) {
    this.key = issuerKeyOf(settings.key);
    // checkAlgorithms again: no verifier is ever built with `none`, or with HMAC beside a public key.
    this.options = {
      issuer: settings.issuer,
      audience: settings.resourceUrl,
      requiredClaims: ['exp'],
      clockTolerance: settings.clockToleranceSeconds,
      algorithms: checkAlgorithms(settings.key.kind, settings.algorithms),
    };
  }

  /** @throws UnauthenticatedError (`auth.invalid_token`) */
  async verify(token: string): Promise<JWTPayload> {
    checkTokenType(protectedHeaderOf(token).typ, false);
    try {
      return (await jwtVerify(token, this.key, this.options)).payload;
    } catch (error) {
      throw authenticationFailure(error);
    }
  }
}

function protectedHeaderOf(token: string): ProtectedHeaderParameters {
  try {
    return decodeProtectedHeader(token);
  } catch (error) {
    throw authenticationFailure(error);
  }
}
