import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { authChallenge } from './auth-challenge.js';
import { AUTH_SETTINGS } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { authenticationFailure } from './authentication-failure.js';
import { challengeException } from './challenge.exception.js';
import { extractBearerToken, LEDGERLINE_JWT } from './jwt-strategy.options.js';
import { isPrincipal } from './request-principal.js';

/**
 * Authenticates the bearer token with the `ledgerline-jwt` strategy and puts the Principal on
 * `request.user`. A failure is a 401 with the RFC 6750 / RFC 9728 challenge that points the
 * client at this resource's metadata.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard(LEDGERLINE_JWT) {
  constructor(@Inject(AUTH_SETTINGS) private readonly settings: AuthSettings) {
    super();
  }

  override handleRequest<TUser>(err: unknown, user: unknown, info: unknown, context: ExecutionContext): TUser {
    if (!err && isPrincipal(user)) return user as TUser;
    const tokenPresented = extractBearerToken(context.switchToHttp().getRequest<Request>()) !== null;
    const failure = authenticationFailure(err, info, tokenPresented);
    throw challengeException(context, authChallenge(failure, this.settings.resourceMetadataUrl));
  }
}
