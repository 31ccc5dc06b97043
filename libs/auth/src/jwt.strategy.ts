import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, type VerifiedCallback } from 'passport-jwt';
import { AUTH_SETTINGS } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { jwtStrategyOptions, LEDGERLINE_JWT } from './jwt-strategy.options.js';
import type { Principal } from './principal.js';
import { principalFromClaims } from './token-claims.js';

/**
 * The passport-jwt strategy, registered with passport as `ledgerline-jwt` (what BearerAuthGuard
 * runs). Passport keeps strategies in one process-wide registry, so one AuthModule per process.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, LEDGERLINE_JWT) {
  constructor(@Inject(AUTH_SETTINGS) settings: AuthSettings) {
    super(jwtStrategyOptions(settings));
  }

  /** Runs after passport-jwt verified signature, algorithm, issuer, audience and lifetime. */
  validate(claims: unknown): Principal {
    return principalFromClaims(claims);
  }
}

/**
 * The same strategy (options and claims mapping) left out of passport's registry, so a
 * `TokenVerifier.fromSettings` built outside Nest never replaces the one BearerAuthGuard runs.
 */
export function createJwtStrategy(settings: AuthSettings): Strategy {
  return new Strategy(jwtStrategyOptions(settings), (claims: unknown, done: VerifiedCallback) => {
    let principal: Principal;
    try {
      principal = principalFromClaims(claims);
    } catch (error) {
      return done(error, false);
    }
    done(null, principal);
  });
}
