import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { authChallenge } from './auth-challenge.js';
import { InsufficientScopeError, UnauthenticatedError } from './auth.errors.js';
import { AUTH_SETTINGS } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { challengeException } from './challenge.exception.js';
import { REQUIRED_SCOPES } from './require-scopes.decorator.js';
import { principalOf } from './request-principal.js';

/** Enforces `@RequireScopes` (class and handler, combined) after BearerAuthGuard: 403 `insufficient_scope`. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const required = [...new Set(this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, [context.getClass(), context.getHandler()]))];
    if (required.length === 0) return true;
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    // Without a principal BearerAuthGuard did not run first: refuse rather than guess.
    if (!principal) throw this.challenge(context, new UnauthenticatedError('a bearer token is required', false));
    if (required.every((scope) => principal.scopes.includes(scope))) return true;
    throw this.challenge(context, new InsufficientScopeError(required));
  }

  private challenge(context: ExecutionContext, failure: UnauthenticatedError | InsufficientScopeError): Error {
    return challengeException(context, authChallenge(failure, this.settings.resourceMetadataUrl));
  }
}
