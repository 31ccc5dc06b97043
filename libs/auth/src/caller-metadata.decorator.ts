import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { CommandMetadata } from '#core';
import { UnauthenticatedError } from './auth.errors.js';
import { callerMetadata } from './caller-metadata.js';
import { principalOf } from './request-principal.js';

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
