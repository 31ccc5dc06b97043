import { HttpException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AUTH_SETTINGS, authChallenge, InsufficientScopeError, principalOf, type AuthSettings } from '#auth';
import { automationScope } from '../../automation/automation-stream.js';

/**
 * The scope of the automation named in the route (automation:<name>), which @Authenticated cannot
 * name: refused as ScopesGuard refuses, 403 insufficient_scope with its WWW-Authenticate
 * challenge, before anything is read. Runs after @Authenticated's guards (a principal is there).
 */
@Injectable()
export class AutomationScopeGuard implements CanActivate {
  constructor(@Inject(AUTH_SETTINGS) private readonly settings: AuthSettings) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const scope = automationScope(String(request.params['name']));
    if (principalOf(request)?.scopes.includes(scope)) return true;
    const challenge = authChallenge(new InsufficientScopeError([scope]), this.settings.resourceMetadataUrl);
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', challenge.wwwAuthenticate);
    throw new HttpException(challenge.body, challenge.status);
  }
}
