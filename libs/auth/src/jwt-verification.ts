import { decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyOptions, type ProtectedHeaderParameters } from 'jose';
import type { AccessTokenKeySet } from './access-token-keys.port.js';
import { ACCESS_TOKEN_ALGORITHMS, checkAlgorithms, DEV_ALGORITHM } from './algorithms.js';
import type { AuthSettings } from './auth.settings.js';
import { authenticationFailure } from './authentication-failure.js';
import { issuerKeyOf, type VerificationKey } from './issuer-key.js';
import { localAccessTokenKeys } from './local-access-token-keys.js';
import { checkTokenType } from './token-type.js';

/** One way a token can verify: the key, what jose checks with it, and the `typ` rule. */
interface Route {
  key: VerificationKey;
  options: JWTVerifyOptions;
  accessTokensOnly: boolean;
}

/**
 * Verifies a JWT with jose: signature under an allow-listed algorithm, issuer, audience (this
 * resource), `exp` required, `nbf`, both with the clock tolerance. No `crit` option, ever: jose
 * then refuses every critical header parameter it does not understand (RFC 7515 §4.1.11).
 */
export class JwtVerification {
  private readonly issuerRoute: Route;
  private readonly accessTokenRoute: Route | undefined;

  /**
   * `accessTokenKeys` are consulted only beside the dev key: the built-in authorization server
   * issues as the platform itself, which an external issuer (JWKS or public key) replaces.
   */
  constructor(settings: AuthSettings, accessTokenKeys?: AccessTokenKeySet) {
    const claims = { issuer: settings.issuer, audience: settings.resourceUrl, requiredClaims: ['exp'], clockTolerance: settings.clockToleranceSeconds };
    // checkAlgorithms again: no route is ever built with `none`, or with HMAC beside a public key.
    this.issuerRoute = { key: issuerKeyOf(settings.key), options: { ...claims, algorithms: checkAlgorithms(settings.key.kind, settings.algorithms) }, accessTokensOnly: false };
    this.accessTokenRoute =
      accessTokenKeys !== undefined && settings.key.kind === 'dev'
        ? { key: localAccessTokenKeys(accessTokenKeys), options: { ...claims, algorithms: [...ACCESS_TOKEN_ALGORITHMS] }, accessTokensOnly: true }
        : undefined;
  }

  /** @throws UnauthenticatedError (`auth.invalid_token`) */
  async verify(token: string): Promise<JWTPayload> {
    const header = protectedHeaderOf(token);
    const route = this.accessTokenRoute !== undefined && header.alg !== DEV_ALGORITHM ? this.accessTokenRoute : this.issuerRoute;
    checkTokenType(header.typ, route.accessTokensOnly);
    try {
      return (await jwtVerify(token, route.key, route.options)).payload;
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
