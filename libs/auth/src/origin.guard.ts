import { ForbiddenException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AUTH_SETTINGS } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';

/**
 * DNS-rebinding defence from the MCP Streamable HTTP transport spec: a request that carries an
 * `Origin` header (a browser) must come from an allowed origin. Requests without one (agents,
 * CLIs, servers) pass: they are authenticated by their token, not by a browser's ambient state.
 */
@Injectable()
export class OriginGuard implements CanActivate {
  private readonly allowed: ReadonlySet<string>;

  constructor(@Inject(AUTH_SETTINGS) settings: AuthSettings) {
    this.allowed = new Set(settings.allowedOrigins.map((origin) => origin.toLowerCase()));
  }

  canActivate(context: ExecutionContext): boolean {
    const origin = context.switchToHttp().getRequest<Request>().headers.origin;
    if (origin === undefined || this.allowed.has(origin.toLowerCase())) return true;
    throw new ForbiddenException({ error: 'forbidden_origin', error_description: 'the Origin of this request is not allowed' });
  }
}
