import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Strategy } from 'passport-jwt';
import { UnauthenticatedError } from './auth.errors.js';
import type { AuthSettings } from './auth.settings.js';
import { authenticationFailure } from './authentication-failure.js';
import { extractBearerToken } from './jwt-strategy.options.js';
import { createJwtStrategy, JwtStrategy } from './jwt.strategy.js';
import type { Principal } from './principal.js';
import { isPrincipal } from './request-principal.js';
import { TenantAccess } from './tenant-access.js';

/** What passport attaches to a strategy for one attempt; the verifier attaches its own. */
interface StrategyActions {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  error(err: unknown): void;
  pass(): void;
  redirect(url: string, status?: number): void;
}

/**
 * Verifies an `Authorization` header value without Nest or Express, by running the same
 * passport-jwt strategy the guard runs (in AuthModule it is that very instance).
 */
@Injectable()
export class TokenVerifier {
  constructor(
    @Inject(JwtStrategy) private readonly strategy: Strategy,
    @Optional() @Inject(TenantAccess) private readonly tenantAccess?: TenantAccess,
  ) {}

  static fromSettings(settings: AuthSettings): TokenVerifier {
    return new TokenVerifier(createJwtStrategy(settings));
  }

  /**
   * @throws UnauthenticatedError (`auth.invalid_token`) when the header holds no bearer token or one that does not verify;
   * in AuthModule, the DomainError of TenantAccess when the token's tenant may not act (suspended).
   */
  async verify(authorizationHeader: string | undefined): Promise<Principal> {
    const principal = await this.verifyToken(authorizationHeader);
    await this.tenantAccess?.assertMayAct(principal.tenantId);
    return principal;
  }

  private verifyToken(authorizationHeader: string | undefined): Promise<Principal> {
    const request = { headers: authorizationHeader === undefined ? {} : { authorization: authorizationHeader } };
    const tokenPresented = extractBearerToken(request) !== null;
    return new Promise<Principal>((resolve, reject) => {
      const settle = (err: unknown, info: unknown): void => {
        try {
          reject(authenticationFailure(err, info, tokenPresented));
        } catch (unexpected) {
          reject(unexpected);
        }
      };
      const actions: StrategyActions = {
        success: (user) => (isPrincipal(user) ? resolve(user) : reject(new UnauthenticatedError('the token did not yield a caller', tokenPresented))),
        fail: (challenge) => settle(undefined, challenge),
        error: (err) => settle(err, undefined),
        pass: () => settle(undefined, undefined),
        redirect: () => settle(undefined, undefined),
      };
      try {
        // passport-jwt reads nothing of the request but its headers.
        const attempt = Object.assign(Object.create(this.strategy) as Strategy, actions);
        attempt.authenticate(request as unknown as Parameters<Strategy['authenticate']>[0]);
      } catch (error) {
        settle(error, undefined);
      }
    });
  }
}
