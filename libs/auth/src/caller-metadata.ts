import { requestIdOf, type CommandMetadata } from '#core';
import type { Principal } from './principal.js';

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
    ...(principal.groups !== undefined && { groups: principal.groups }),
    correlationId: requestIdOf(request),
    ...(tool !== undefined && { tool }),
    ...(typeof idempotencyKey === 'string' && { idempotencyKey }),
  };
}
