import { renderConnectorCall, type ConnectorConfig, type ConnectorEgress, type ConnectorRequest, type RenderedConnectorCall } from '../http/index.js';
import { ConnectorNotFoundError } from '../connector/connector.errors.js';
import { OnBehalfOfUnavailableError } from '../on-behalf-of/on-behalf-of.errors.js';

/** What stands for a connector's secret (and an on-behalf-of assertion) wherever a dry run shows a request. */
export const SECRET_MARKER = '[secret]';

/**
 * A connector as a dry run sees it, read once: plain data.
 * `canSign`: whether this process can make the on-behalf-of assertion the connector asks for.
 * `rate`: whether its outbound bucket would hold a call back now (peeked, never spent).
 */
export type DryConnector =
  | { name: string; registered: false }
  | { name: string; registered: true; config: ConnectorConfig; hasSecret: boolean; canSign: boolean; rate: { heldBack: boolean; retryAfterMs: number } };

/** A call as a dry run sees it: rendered, checked, and whether the rate would hold it back now; nothing sent, no token taken. */
export interface DryConnectorCall extends RenderedConnectorCall {
  rate: { heldBack: boolean; retryAfterMs: number };
}

/**
 * A call rendered as the live call would send it, the secret and the assertion replaced by
 * SECRET_MARKER (the secret is never opened), checked against the allow-list and the egress
 * networks without a DNS lookup. A connector that is gone is refused as prepare would refuse it
 * (ConnectorNotFoundError, thrown); one asking for an assertion this process cannot sign carries
 * the refusal the live call would meet first.
 */
export function renderDryCall(connector: DryConnector, request: ConnectorRequest, idempotencyKey: string, egress: ConnectorEgress): DryConnectorCall {
  if (!connector.registered) throw new ConnectorNotFoundError(connector.name);
  const { config } = connector;
  const rendered = renderConnectorCall({
    config, secret: connector.hasSecret ? SECRET_MARKER : undefined, assertion: config.onBehalfOf ? SECRET_MARKER : undefined, request, idempotencyKey, egress,
  });
  // Live, the assertion is made before the call is rendered: without a signer that refusal comes first.
  if (config.onBehalfOf && !connector.canSign) rendered.refusal = new OnBehalfOfUnavailableError(connector.name);
  return { ...rendered, rate: connector.rate };
}
