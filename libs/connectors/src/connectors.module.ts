import { Module, type DynamicModule, type FactoryProvider, type Provider } from '@nestjs/common';
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
import { ASSERTION_SIGNER, type AssertionSigner } from './on-behalf-of/assertion-signer.port.js';

export interface ConnectorsSettings {
  /** Non-public networks (CIDRs) connector calls may reach; public addresses are always reachable. */
  egressPrivateNetworks: readonly string[];
  /**
   * Signs the on-behalf-of assertions connectors may ask for. Left out, the gateway uses an
   * ASSERTION_SIGNER some global module exports, if any; with none, such connectors are not called.
   */
  assertionSigner?: Omit<FactoryProvider<AssertionSigner>, 'provide'>;
}

/** Tenant-owned connectors: registration, sealed secrets (KeysModule's vault), health, and the gateway runs call them through. */
@Module({})
export class ConnectorsModule {
  static forRoot(settings: ConnectorsSettings = { egressPrivateNetworks: [] }): DynamicModule {
    const signer: Provider[] = settings.assertionSigner ? [{ provide: ASSERTION_SIGNER, ...settings.assertionSigner }] : [];
    return {
      module: ConnectorsModule,
      global: true,
      providers: [
        { provide: CONNECTOR_EGRESS, useFactory: () => connectorEgress(settings.egressPrivateNetworks) },
        ...signer,
        ConnectorViews, ConnectorGateway, RegisterConnectorHandler, SetConnectorSecretHandler, RetireSecretVersionHandler,
        ConnectorRegisterTool, ConnectorSecretSetTool, ConnectorListTool,
      ],
      exports: [ConnectorViews, ConnectorGateway, ...(settings.assertionSigner ? [ASSERTION_SIGNER] : [])],
    };
  }
}

/** The connectors' admin REST: processes without an API (workers) leave it out. */
@Module({ controllers: [ConnectorsController] })
export class ConnectorsHttpModule {}
