import { renderDryCall, type ConnectorEgress, type DryConnector, type DryConnectorCall } from '#connectors';
import type { ConnectorGateway } from '#connectors/nest';
import type { AutomationDefinition } from '../../../definition/index.js';
import type { CallAction } from '../../process/next-run-action.js';

/**
 * The connectors a plan calls: its call steps'. A plan never cancels, so it never compensates,
 * and it lists an approval's notices without sending them.
 */
export function plannedConnectorNamesOf(definitions: readonly AutomationDefinition[]): string[] {
  return [...new Set(definitions.flatMap((definition) => definition.steps.flatMap((step) => (step.type === 'call' ? [step.connector] : []))))].sort();
}

/**
 * Every connector the definitions' plans call, read once, now (config, whether a secret is
 * stored, whether this process can sign, the rate peeked): every plan made from them sees each
 * connector as it was when the plan began, not as it is at each call.
 */
export async function readDryConnectors(gateway: ConnectorGateway, tenantId: string, definitions: readonly AutomationDefinition[]): Promise<Record<string, DryConnector>> {
  const connectors = await Promise.all(plannedConnectorNamesOf(definitions).map((name) => gateway.dryConnector(tenantId, name)));
  return Object.fromEntries(connectors.map((connector) => [connector.name, connector]));
}

/** The key under which a plan renders a call once: same connector, idempotency key and request. */
export function dryCallKey(action: CallAction): string {
  return JSON.stringify([action.connector, action.idempotencyKey, action.request]);
}

/**
 * Renders a plan's calls (renderDryCall) against connectors read beforehand, each distinct call
 * once, however many plans or attempts make it (a shadow comparison plans two versions).
 * A call to a connector that was not read is a fault of the reader: it throws a plain Error, not
 * a DomainError, which answerDryCall would take for a refusal the live call never met.
 */
export function dryCallRenderer(connectors: Readonly<Record<string, DryConnector>>, egress: ConnectorEgress): (action: CallAction) => DryConnectorCall {
  const rendered = new Map<string, DryConnectorCall>();
  return (action) => {
    const key = dryCallKey(action);
    let call = rendered.get(key);
    if (!call) {
      if (!Object.hasOwn(connectors, action.connector)) throw new Error(`connector ${action.connector} was not read for the plan`);
      call = renderDryCall(connectors[action.connector]!, action.request, action.idempotencyKey, egress);
      rendered.set(key, call);
    }
    return call;
  };
}
