import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { logContext } from '#observability/nest';
import { authChallenge } from './auth-challenge.js';
import { UnauthenticatedError } from './auth.errors.js';
import { AUTH_SETTINGS } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { challengeException } from './challenge.exception.js';
import type { Principal } from './principal.js';
import { attachPrincipal } from './request-principal.js';
import { TenantAccess } from './tenant-access.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Authenticates the bearer token with TokenVerifier and puts the Principal on `request.user`,
 * then asks TenantAccess whether its tenant may act. A token failure is a 401 with the RFC 6750 /
 * RFC 9728 challenge that points the client at this resource's metadata.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(TenantAccess) private readonly tenantAccess: TenantAccess,
  ) {}

  /** A verified token whose tenant may not act (suspended) is refused with the check's DomainError (403). */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const principal = await this.authenticate(request, context);
    attachPrincipal(request, principal);
    // Recorded before the tenant check, so a suspended tenant's refused calls are logged as its own.
    Object.assign(logContext(request), { tenant: principal.tenantId, user: principal.userId, client: principal.clientId, tool: `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? request.path}` });
    await this.tenantAccess.assertMayAct(principal.tenantId);
    return true;
  }

  private async authenticate(request: Request, context: ExecutionContext): Promise<Principal> {
    try {
      return await this.verifier.authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw challengeException(context, authChallenge(error, this.settings.resourceMetadataUrl));
      throw error;
    }
  }
}
