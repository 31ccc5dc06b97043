import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestIdOf, type CommandMetadata } from '#core';
import { UnauthenticatedError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { principalOf } from './request-principal.js';

/**
 * The metadata every command carries, from the verified caller and the request: the request's id
 * (requestIdOf: the caller's `X-Request-Id` when well formed) is the correlation id, so a request's
 * log line and its events join; `Idempotency-Key` is the command's key. Built once at the edge,
 * the same way for /mcp and for REST.
 */
export function callerMetadata(principal: Principal, request: { headers: Record<string, string | string[] | undefined> }, tool?: string): CommandMetadata {
  const idempotencyKey = request.headers['idempotency-key'];
  return {
    tenantId: principal.tenantId,
    userId: principal.userId,
    clientId: principal.clientId,
    ...(principal.grantId !== undefined && { grantId: principal.grantId }),
    scopes: principal.scopes,
    correlationId: requestIdOf(request),
    ...(tool !== undefined && { tool }),
    ...(typeof idempotencyKey === 'string' && { idempotencyKey }),
  };
}

/**
 * The caller's command metadata as a REST handler parameter (needs BearerAuthGuard on the route).
 * `tool` names the endpoint in the audit trail, e.g. 'rest:PUT /v1/connectors/:name'.
 */
export const CallerMetadata = createParamDecorator((_data: unknown, context: ExecutionContext): CommandMetadata => {
  const request = context.switchToHttp().getRequest<Request>();
  const principal = principalOf(request);
  if (!principal) throw new UnauthenticatedError('no authenticated caller: BearerAuthGuard must guard this route', false);
  const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
  return callerMetadata(principal, request, `rest:${request.method} ${route}`);
});
