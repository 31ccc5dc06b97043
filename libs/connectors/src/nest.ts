// Connectors' Nest side: the modules (commands, tools, REST), the views reader, the gateway runs call connectors through, the command that retires a secret version.
export * from './connectors.module.js';
export { ConnectorViews, type ConnectorSummary, type ConnectorHealth } from './connector/projections/connector-views.js';
export { ConnectorGateway, type PreparedConnector } from './gateway/connector-gateway.js';
export { RetireSecretVersionCommand } from './connector/commands/retire-secret-version/retire-secret-version.command.js';
