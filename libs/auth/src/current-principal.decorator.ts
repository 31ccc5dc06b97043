import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { UnauthenticatedError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { principalOf } from './request-principal.js';

/** The verified caller, as a handler parameter; needs BearerAuthGuard on the route. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = principalOf(context.switchToHttp().getRequest<Request>());
  if (!principal) throw new UnauthenticatedError('no authenticated caller: BearerAuthGuard must guard this route', false);
  return principal;
});
