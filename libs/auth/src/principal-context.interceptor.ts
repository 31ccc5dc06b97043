import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { principalContext } from './principal.js';
import { principalOf } from './request-principal.js';

/**
 * Runs the handler inside `principalContext` with the caller BearerAuthGuard verified. Nest binds
 * the handler's async scope where `next.handle()` is called, so the store reaches the handler and
 * everything it awaits.
 */
@Injectable()
export class PrincipalContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    return principal ? principalContext.run(principal, () => next.handle()) : next.handle();
  }
}
