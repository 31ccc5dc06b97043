import type { AccessTokenKeySet } from './access-token-keys.port.js';
import { UnauthenticatedError } from './auth.errors.js';
import type { AuthSettings } from './auth.settings.js';
import { bearerTokenOf } from './bearer-token.js';
import type { GrantStatus } from './grant-status.port.js';
import type { GrantUsage } from './grant-usage.port.js';
import { JwtVerification } from './jwt-verification.js';
import { frozenPrincipal, type Principal } from './principal.js';
import type { TenantAccess } from './tenant-access.js';
import { principalFromClaims } from './token-claims.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** The optional collaborators of a verifier built outside Nest (`fromSettings`). */
export interface TokenVerifierPorts {
  tenantAccess?: TenantAccess;
  accessTokenKeys?: AccessTokenKeySet;
  grantStatus?: GrantStatus;
  grantUsage?: GrantUsage;
}

/**
 * Verifies an `Authorization` header value, for BearerAuthGuard, /mcp and callers without Nest
 * or Express. A token that verified is remembered until it expires (an ES256 check costs far
 * more than a tool call should); the grant and the tenant are asked again on every call.
 */
export class TokenVerifier {
  private readonly jwt: JwtVerification;
  private readonly verified = new VerifiedTokenCache();
  private readonly clockToleranceSeconds: number;

  constructor(
    settings: AuthSettings,
    private readonly tenantAccess?: TenantAccess,
    accessTokenKeys?: AccessTokenKeySet,
    private readonly grantStatus?: GrantStatus,
    private readonly grantUsage?: GrantUsage,
  ) {
    this.jwt = new JwtVerification(settings, accessTokenKeys);
    this.clockToleranceSeconds = settings.clockToleranceSeconds;
  }

  static fromSettings(settings: AuthSettings, ports: TokenVerifierPorts = {}): TokenVerifier {
    return new TokenVerifier(settings, ports.tenantAccess, ports.accessTokenKeys, ports.grantStatus, ports.grantUsage);
  }

  /**
   * @throws UnauthenticatedError (`auth.invalid_token`) when the header holds no bearer token, one
   * that does not verify, or one whose grant is no longer active; the DomainError of TenantAccess
   * when the token's tenant may not act (suspended).
   */
  async verify(authorizationHeader: string | undefined): Promise<Principal> {
    const principal = await this.authenticate(authorizationHeader);
    await this.tenantAccess?.assertMayAct(principal.tenantId);
    return principal;
  }

  /**
   * `verify` without the tenant check, for an edge that records the caller before asking it.
   * @throws UnauthenticatedError (`auth.invalid_token`)
   */
  async authenticate(authorizationHeader: string | undefined): Promise<Principal> {
    const token = bearerTokenOf(authorizationHeader);
    if (token === null) throw new UnauthenticatedError('a bearer token is required', false);
    const principal = this.verified.get(token, nowSeconds()) ?? (await this.verifyToken(token));
    this.grantStatus?.assertActive(principal);
    this.grantUsage?.noteUse(principal);
    return principal;
  }

  private async verifyToken(token: string): Promise<Principal> {
    const claims = await this.jwt.verify(token);
    const principal = frozenPrincipal(principalFromClaims(claims));
    // Good while jose would still accept it: `exp` (required, so present) plus the tolerance.
    this.verified.set(token, principal, (claims.exp ?? 0) + this.clockToleranceSeconds);
    return principal;
  }
}

/** As jose counts: whole seconds. */
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
