export { callConnector, renderConnectorCall, type ConnectorCall, type ConnectorResponse, type RenderedConnectorCall } from './call-connector.js';
export { simulateConnectorResponse, type SimulatedResponse } from './simulated-response.js';
export { renderConnectorAuth, type RenderedAuth } from './connector-auth.js';
export {
  ConnectorAbortedError,
  ConnectorCallError,
  type ConnectorCallErrorInit,
  type ConnectorErrorClass,
  type ConnectorTarget,
} from './connector-call.errors.js';
export {
  connectorConfigSchema,
  onBehalfOfAudience,
  parseConnectorConfig,
  SECRET_PLACEHOLDER,
  type ConnectorAuth,
  type ConnectorOnBehalfOf,
  type ConnectorConfig,
  type ConnectorConfigInput,
} from './connector-definition.js';
export { connectorUrl, parseConnectorRequest, type ConnectorRequest } from './connector-request.js';
export { assertEgressAllowed, isEgressAllowed } from './egress-policy.js';
export { parseRetryAfter } from './retry-after.js';
export { connectorEgress, type ConnectorEgress } from './call-connector.js';
export { EgressAddressRefusedError, EgressNetworks } from './egress-networks.js';
