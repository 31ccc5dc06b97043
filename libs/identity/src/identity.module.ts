import { Inject, Logger, Module, Optional, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ACCESS_TOKEN_KEYS, GRANT_STATUS, GRANT_USAGE, TenantAccess } from '#auth';
import { ASSERTION_SIGNER, JoseAssertionSigner } from '#connectors';
import { EVENT_STORE, EVENT_STORE_SETTINGS, type EventStore, type EventStoreSettings } from '#event-store';
import { SecretVault } from '#keys';
import { AuthorizationServer } from './authorization-server.service.js';
import { ClientDirectory } from './clients/client-directory.js';
import { ClientDisabling } from './clients/client-disabling.js';
import { ClientSecretSeal } from './clients/client-secret-seal.js';
import { ClientsController } from './clients/http/clients.controller.js';
import { TenantClients } from './clients/tenant-clients.js';
import { Delegations } from './grants/delegations.js';
import { GrantUsageRecorder } from './grants/grant-usage-recorder.js';
import { GrantsController } from './grants/http/grants.controller.js';
import { RevokedGrants } from './grants/revoked-grants.js';
import { GrantListTool } from './grants/tools/grant-list.tool.js';
import { GrantRevokeTool } from './grants/tools/grant-revoke.tool.js';
import type { IdentitySettings } from './provider/identity.settings.js';
import type { IdentityStore } from './store/identity-store.port.js';
import { openIdentityStore } from './store/open-identity-store.js';

export const IDENTITY_STORE = Symbol('IDENTITY_STORE');

/**
 * The built-in authorization server, the revocation feed the resource server checks, and the
 * delegation tools and REST (grants, the tenant's clients). Global: other modules read it.
 * Mounting the protocol's HTTP routes is the app's (configureApp), since they must come before
 * Nest's body parsers.
 */
@Module({})
export class IdentityModule implements OnApplicationShutdown {
  constructor(
    @Inject(IDENTITY_STORE) private readonly store: IdentityStore,
    private readonly revoked: RevokedGrants,
    private readonly usage: GrantUsageRecorder,
    @Optional() private readonly server?: AuthorizationServer,
  ) {}

  static forRoot(settings: IdentitySettings): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      providers: [
        { provide: IDENTITY_STORE, inject: [EVENT_STORE_SETTINGS], useFactory: (store: EventStoreSettings) => openIdentityStore(store) },
        {
          provide: RevokedGrants,
          inject: [IDENTITY_STORE],
          useFactory: async (store: IdentityStore) => {
            const revoked = new RevokedGrants(store.revocations, new Logger('RevokedGrants'));
            await revoked.start();
            return revoked;
          },
        },
        {
          provide: AuthorizationServer,
          inject: [IDENTITY_STORE, SecretVault, EVENT_STORE, RevokedGrants, { token: TenantAccess, optional: true }],
          useFactory: (store: IdentityStore, vault: SecretVault, events: EventStore, revoked: RevokedGrants, tenantAccess?: TenantAccess) =>
            AuthorizationServer.create({ settings, store, vault, events, revoked, tenantAccess }),
        },
        { provide: ClientDirectory, inject: [IDENTITY_STORE], useFactory: (store: IdentityStore) => new ClientDirectory(store.artifacts) },
        {
          provide: GrantUsageRecorder,
          inject: [IDENTITY_STORE],
          useFactory: (store: IdentityStore) => {
            const usage = new GrantUsageRecorder(store.grantUsage);
            usage.start();
            return usage;
          },
        },
        {
          provide: Delegations,
          inject: [AuthorizationServer, ClientDirectory, GrantUsageRecorder],
          useFactory: (server: AuthorizationServer, clients: ClientDirectory, usage: GrantUsageRecorder) => new Delegations(server, clients, usage, settings.scopePolicy),
        },
        {
          provide: TenantClients,
          inject: [IDENTITY_STORE, SecretVault, ClientDirectory, AuthorizationServer, RevokedGrants],
          useFactory: (store: IdentityStore, vault: SecretVault, directory: ClientDirectory, server: AuthorizationServer, revoked: RevokedGrants) =>
            new TenantClients({ artifacts: store.artifacts, clientSecrets: new ClientSecretSeal(vault), directory, journal: server.journal, knownScopes: settings.scopesSupported, isDisabled: (clientId) => revoked.isClientDisabled(clientId) }),
        },
        {
          provide: ClientDisabling,
          inject: [AuthorizationServer, ClientDirectory, RevokedGrants],
          useFactory: (server: AuthorizationServer, directory: ClientDirectory, revoked: RevokedGrants) => new ClientDisabling({ server, directory, revoked }),
        },
        GrantListTool,
        GrantRevokeTool,
        // What the resource server (TokenVerifier) needs of this one: its public keys, the revocations, where to note a grant's use.
        { provide: ACCESS_TOKEN_KEYS, useExisting: AuthorizationServer },
        { provide: GRANT_STATUS, useExisting: RevokedGrants },
        { provide: GRANT_USAGE, useExisting: GrantUsageRecorder },
        // Connector calls that ask for an on-behalf-of assertion get one signed with the same key.
        { provide: ASSERTION_SIGNER, inject: [AuthorizationServer], useFactory: (server: AuthorizationServer) => new JoseAssertionSigner(settings.issuer, () => server.signingJwk()) },
      ],
      controllers: [GrantsController, ClientsController],
      exports: [IDENTITY_STORE, RevokedGrants, AuthorizationServer, ACCESS_TOKEN_KEYS, GRANT_STATUS, GRANT_USAGE, ASSERTION_SIGNER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.server?.close();
    this.revoked.stop();
    await this.usage.stop().catch(() => undefined);
    await this.store.close();
  }
}
