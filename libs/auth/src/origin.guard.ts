import { ForbiddenException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AUTH_SETTINGS } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { FORBIDDEN_ORIGIN_BODY, originPolicy } from './origin-policy.js';

/** The Origin check (see `originPolicy`) for Nest routes. */
@Injectable()
export class OriginGuard implements CanActivate {
  private readonly allows: (origin: string | undefined) => boolean;

  constructor(@Inject(AUTH_SETTINGS) settings: AuthSettings) {
    this.allows = originPolicy(settings);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.allows(context.switchToHttp().getRequest<Request>().headers.origin)) return true;
    throw new ForbiddenException(FORBIDDEN_ORIGIN_BODY);
  }
}
