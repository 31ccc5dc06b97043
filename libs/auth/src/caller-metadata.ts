import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { CommandMetadata } from '#core';
import { UnauthenticatedError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { principalOf } from './request-principal.js';

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The metadata every command carries, from the verified caller and the request: `X-Request-Id`
 * (when well formed) becomes the correlation id, `Idempotency-Key` the command's key. Built
 * once at the edge, the same way for /mcp and for REST.
 */
export function callerMetadata(principal: Principal, headers: { get(name: string): string | undefined }, tool?: string): CommandMetadata {
  const requestId = headers.get('x-request-id');
  const idempotencyKey = headers.get('idempotency-key');
  return {
    tenantId: principal.tenantId,
    userId: principal.userId,
    clientId: principal.clientId,
    scopes: principal.scopes,
    correlationId: requestId !== undefined && REQUEST_ID.test(requestId) ? requestId : randomUUID(),
    ...(tool !== undefined && { tool }),
    ...(idempotencyKey !== undefined && { idempotencyKey }),
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
  return callerMetadata(principal, { get: (name) => request.get(name) }, `rest:${request.method} ${route}`);
});
