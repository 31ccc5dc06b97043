import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { BearerAuthGuard } from './bearer-auth.guard.js';
import { OriginGuard } from './origin.guard.js';
import { PrincipalContextInterceptor } from './principal-context.interceptor.js';
import { RequireScopes } from './require-scopes.decorator.js';
import { ScopesGuard } from './scopes.guard.js';

/**
 * Protects a route or controller as the MCP authorization spec asks: Origin check (403), bearer
 * token (401), scopes (403), then the handler runs inside `principalContext`.
 */
export function Authenticated(...scopes: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(OriginGuard, BearerAuthGuard, ScopesGuard), UseInterceptors(PrincipalContextInterceptor), RequireScopes(...scopes));
}
