import { Global, Module } from '@nestjs/common';
import { RegisterConnectorHandler } from './connector/commands/register-connector/register-connector.handler.js';
import { RetireSecretVersionHandler } from './connector/commands/retire-secret-version/retire-secret-version.handler.js';
import { SetConnectorSecretHandler } from './connector/commands/set-connector-secret/set-connector-secret.handler.js';
import { ConnectorViews } from './connector/projections/connector-views.js';
import { ConnectorListTool } from './connector/tools/connector-list.tool.js';
import { ConnectorRegisterTool } from './connector/tools/connector-register.tool.js';
import { ConnectorSecretSetTool } from './connector/tools/connector-secret-set.tool.js';
import { ConnectorGateway } from './gateway/connector-gateway.js';
import { ConnectorsController } from './connector/http/connectors.controller.js';

/** Tenant-owned connectors: registration, sealed secrets (KeysModule's vault), health, and the gateway runs call them through. */
@Global()
@Module({
  providers: [
    ConnectorViews, ConnectorGateway, RegisterConnectorHandler, SetConnectorSecretHandler, RetireSecretVersionHandler,
    ConnectorRegisterTool, ConnectorSecretSetTool, ConnectorListTool,
  ],
  exports: [ConnectorViews, ConnectorGateway],
})
export class ConnectorsModule {}

/** The connectors' admin REST: processes without an API (workers) leave it out. */
@Module({ controllers: [ConnectorsController] })
export class ConnectorsHttpModule {}
