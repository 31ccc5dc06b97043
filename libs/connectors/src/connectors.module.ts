import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE_SETTINGS, type EventStoreSettings } from '#event-store';
import { RegisterConnectorHandler } from './connector/commands/register-connector/register-connector.handler.js';
import { RetireSecretVersionHandler } from './connector/commands/retire-secret-version/retire-secret-version.handler.js';
import { SetConnectorSecretHandler } from './connector/commands/set-connector-secret/set-connector-secret.handler.js';
import { ConnectorViews } from './connector/projections/connector-views.js';
import { ConnectorListTool } from './connector/tools/connector-list.tool.js';
import { ConnectorRegisterTool } from './connector/tools/connector-register.tool.js';
import { ConnectorSecretSetTool } from './connector/tools/connector-secret-set.tool.js';
import { ConnectorGateway } from './gateway/connector-gateway.js';
import { ConnectorsController } from './connector/http/connectors.controller.js';
import { loadMasterKey, openDataKeyStore, SecretVault, type DataKeyStore } from './secrets/index.js';

export interface ConnectorsSettings {
  /** Base64 of 32 bytes; wins over the file. */
  masterKeyBase64?: string;
  masterKeyFile?: string;
  /** Where the embedded default generates its master key when none is configured. */
  dataDir: string;
}

const DATA_KEY_STORE = Symbol('DATA_KEY_STORE');

/** Tenant-owned connectors: registration, sealed secrets, health, and the gateway runs call them through. */
@Module({})
export class ConnectorsModule implements OnApplicationShutdown {
  constructor(@Inject(DATA_KEY_STORE) private readonly keys: DataKeyStore) {}

  static forRoot(settings: ConnectorsSettings): DynamicModule {
    return {
      module: ConnectorsModule,
      global: true,
      providers: [
        { provide: DATA_KEY_STORE, inject: [EVENT_STORE_SETTINGS], useFactory: (store: EventStoreSettings) => openDataKeyStore(store) },
        {
          provide: SecretVault,
          inject: [DATA_KEY_STORE],
          useFactory: (keys: DataKeyStore) => new SecretVault(loadMasterKey({ masterKeyBase64: settings.masterKeyBase64, masterKeyFile: settings.masterKeyFile, dataDir: settings.dataDir }), keys),
        },
        ConnectorViews, ConnectorGateway, RegisterConnectorHandler, SetConnectorSecretHandler, RetireSecretVersionHandler,
        ConnectorRegisterTool, ConnectorSecretSetTool, ConnectorListTool,
      ],
      exports: [SecretVault, ConnectorViews, ConnectorGateway],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.keys.close();
  }
}

/** The connectors' admin REST: processes without an API (workers) leave it out. */
@Module({ controllers: [ConnectorsController] })
export class ConnectorsHttpModule {}
