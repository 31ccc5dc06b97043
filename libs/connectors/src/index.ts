export * from './secrets/index.js';
export * from './http/index.js';
export * from './connectors.module.js';
export * from './connector/connector.events.js';
export * from './connector/connector-scopes.js';
export { ConnectorViews, type ConnectorSummary, type ConnectorHealth } from './connector/projections/connector-views.js';
export { ConnectorGateway, type PreparedConnector } from './gateway/connector-gateway.js';
export { RetireSecretVersionCommand } from './connector/commands/retire-secret-version/retire-secret-version.command.js';
export { ConnectorSecretRotatedNotice } from './connector/connector-secret-rotated.notice.js';
