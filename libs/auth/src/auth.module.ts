import { Module, type DynamicModule } from '@nestjs/common';
import { AUTH_OPTIONS, AUTH_SETTINGS, type AuthOptions } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { BearerAuthGuard } from './bearer-auth.guard.js';
import { OriginGuard } from './origin.guard.js';
import { PrincipalContextInterceptor } from './principal-context.interceptor.js';
import { ProtectedResourceController } from './protected-resource.controller.js';
import { ScopesGuard } from './scopes.guard.js';
import { TenantAccess } from './tenant-access.js';
import { TokenVerifier } from './token-verifier.js';

@Module({})
export class AuthModule {
  /**
   * The resource-server side of MCP authorization; global, so any module can guard its routes.
   * TokenVerifier takes ACCESS_TOKEN_KEYS, GRANT_STATUS and GRANT_USAGE when a global module exports them.
   */
  static forRoot(settings: AuthSettings, options: AuthOptions = {}): DynamicModule {
    const exported = [AUTH_SETTINGS, TokenVerifier, BearerAuthGuard, ScopesGuard, OriginGuard, PrincipalContextInterceptor, TenantAccess];
    return {
      module: AuthModule,
      global: true,
      controllers: [ProtectedResourceController],
      providers: [
        { provide: AUTH_SETTINGS, useValue: settings },
        { provide: AUTH_OPTIONS, useValue: { scopesSupported: [...(options.scopesSupported ?? [])] } satisfies AuthOptions },
        TokenVerifier,
        BearerAuthGuard,
        ScopesGuard,
        OriginGuard,
        PrincipalContextInterceptor,
        TenantAccess,
      ],
      exports: exported,
    };
  }
}
