import { Module, type DynamicModule } from '@nestjs/common';
import { RegisterConnectorHandler } from './connector/commands/register-connector/register-connector.handler.js';
import { RetireSecretVersionHandler } from './connector/commands/retire-secret-version/retire-secret-version.handler.js';
import { SetConnectorSecretHandler } from './connector/commands/set-connector-secret/set-connector-secret.handler.js';
import { ConnectorViews } from './connector/projections/connector-views.js';
import { ConnectorListTool } from './connector/tools/connector-list.tool.js';
import { ConnectorRegisterTool } from './connector/tools/connector-register.tool.js';
import { ConnectorSecretSetTool } from './connector/tools/connector-secret-set.tool.js';
import { CONNECTOR_EGRESS, ConnectorGateway } from './gateway/connector-gateway.js';
import { connectorEgress } from './http/index.js';
import { ConnectorsController } from './connector/http/connectors.controller.js';

export interface ConnectorsSettings {
  /** Non-public networks (CIDRs) connector calls may reach; public addresses are always reachable. */
  egressPrivateNetworks: readonly string[];
}

/** Tenant-owned connectors: registration, sealed secrets (KeysModule's vault), health, and the gateway runs call them through. */
@Module({})
export class ConnectorsModule {
  static forRoot(settings: ConnectorsSettings = { egressPrivateNetworks: [] }): DynamicModule {
    return {
      module: ConnectorsModule,
      global: true,
      providers: [
        { provide: CONNECTOR_EGRESS, useFactory: () => connectorEgress(settings.egressPrivateNetworks) },
        ConnectorViews, ConnectorGateway, RegisterConnectorHandler, SetConnectorSecretHandler, RetireSecretVersionHandler,
        ConnectorRegisterTool, ConnectorSecretSetTool, ConnectorListTool,
      ],
      exports: [ConnectorViews, ConnectorGateway],
    };
  }
}

/** The connectors' admin REST: processes without an API (workers) leave it out. */
@Module({ controllers: [ConnectorsController] })
export class ConnectorsHttpModule {}
