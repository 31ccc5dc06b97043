import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { logContext } from '#observability';
import { authChallenge } from './auth-challenge.js';
import { AUTH_SETTINGS } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { authenticationFailure } from './authentication-failure.js';
import { challengeException } from './challenge.exception.js';
import { extractBearerToken, LEDGERLINE_JWT } from './jwt-strategy.options.js';
import { isPrincipal, principalOf } from './request-principal.js';
import { TenantAccess } from './tenant-access.js';

/**
 * Authenticates the bearer token with the `ledgerline-jwt` strategy and puts the Principal on
 * `request.user`, then asks TenantAccess whether its tenant may act. A token failure is a 401 with the RFC 6750 / RFC 9728 challenge that points the
 * client at this resource's metadata.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard(LEDGERLINE_JWT) {
  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(TenantAccess) private readonly tenantAccess: TenantAccess,
  ) {
    super();
  }

  /** A verified token whose tenant may not act (suspended) is refused with the check's DomainError (403). */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = (await super.canActivate(context)) as boolean;
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (principal) {
      Object.assign(logContext(request), { tenant: principal.tenantId, user: principal.userId, client: principal.clientId, tool: `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? request.path}` });
      await this.tenantAccess.assertMayAct(principal.tenantId);
    }
    return allowed;
  }

  override handleRequest<TUser>(err: unknown, user: unknown, info: unknown, context: ExecutionContext): TUser {
    if (!err && isPrincipal(user)) return user as TUser;
    const tokenPresented = extractBearerToken(context.switchToHttp().getRequest<Request>()) !== null;
    const failure = authenticationFailure(err, info, tokenPresented);
    throw challengeException(context, authChallenge(failure, this.settings.resourceMetadataUrl));
  }
}
