import { Module, type DynamicModule } from '@nestjs/common';
import type { Router } from 'express';
import { type IdentityStore } from '#identity';
import { AuthorizationServer, IDENTITY_STORE } from '#identity/nest';
import { SecretVault } from '#keys';
import { consoleRouter } from './http/console-router.js';
import { CONSOLE_SECTIONS } from './sections/console-sections.js';
import { ConsoleSessions } from './session/console-sessions.js';

/** The console's HTTP routes, mounted at /console by the app (ahead of Nest's body parsers, like the authorization server). */
export class ConsoleRoutes {
  constructor(readonly router: Router) {}
}

/** The console: present whenever the built-in authorization server is, since people sign in through it. */
@Module({})
export class ConsoleModule {
  static forRoot(): DynamicModule {
    return {
      module: ConsoleModule,
      providers: [
        {
          provide: ConsoleRoutes,
          inject: [AuthorizationServer, IDENTITY_STORE, SecretVault],
          useFactory: (server: AuthorizationServer, store: IdentityStore, vault: SecretVault) =>
            new ConsoleRoutes(
              consoleRouter({
                settings: { issuer: server.issuer, secureCookies: server.secureCookies, scopes: server.scopesSupported, client: server.consoleClient },
                sessions: new ConsoleSessions(store.artifacts, vault),
                sections: CONSOLE_SECTIONS,
              }),
            ),
        },
      ],
      exports: [ConsoleRoutes],
    };
  }
}
