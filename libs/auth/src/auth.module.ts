import { Module, type DynamicModule } from '@nestjs/common';
import { ACCESS_TOKEN_KEYS, type AccessTokenKeySet } from './access-token-keys.port.js';
import { AUTH_OPTIONS, AUTH_SETTINGS, type AuthOptions } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { BearerAuthGuard } from './bearer-auth.guard.js';
import { GRANT_STATUS, type GrantStatus } from './grant-status.port.js';
import { GRANT_USAGE, type GrantUsage } from './grant-usage.port.js';
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
        // TokenVerifier and TenantAccess are framework-free ('#auth'), for callers without Nest too.
        {
          provide: TokenVerifier,
          inject: [AUTH_SETTINGS, TenantAccess, { token: ACCESS_TOKEN_KEYS, optional: true }, { token: GRANT_STATUS, optional: true }, { token: GRANT_USAGE, optional: true }],
          useFactory: (settings: AuthSettings, tenantAccess: TenantAccess, accessTokenKeys?: AccessTokenKeySet, grantStatus?: GrantStatus, grantUsage?: GrantUsage) =>
            new TokenVerifier(settings, tenantAccess, accessTokenKeys, grantStatus, grantUsage),
        },
        BearerAuthGuard,
        ScopesGuard,
        OriginGuard,
        PrincipalContextInterceptor,
        { provide: TenantAccess, useFactory: () => new TenantAccess() },
      ],
      exports: exported,
    };
  }
}
