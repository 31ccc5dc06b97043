import { DomainError } from '#core';
import { simulateConnectorResponse, type DryConnectorCall } from '#connectors';
import type { CallStep } from '../../../definition/index.js';
import type { CallAction } from '../../process/next-run-action.js';
import type { LiveAnswer } from '../../../shadow/live-run-record.js';
import type { SimulatedCall } from './plan-dry-run.js';

/**
 * A dry call answered: refused as the live call would be (a connector gone: 'refused', the
 * attempt's code saying why), else by `live` (a shadow run's live answer), else by the step's
 * dryRunResponse (an empty 200 without one) through the live call's classification of statuses.
 * `render` is the call rendered and checked (dryCallRenderer).
 */
export async function answerDryCall(render: () => Promise<DryConnectorCall> | DryConnectorCall, action: CallAction, step: CallStep, live?: LiveAnswer): Promise<SimulatedCall> {
  const unrendered = { method: action.request.method, url: '', headers: {}, body: action.request.body ?? null };
  let dry;
  try {
    dry = await render();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // No such connector (any more): nothing would go out, which is what 'refused' says; the attempt's code says why.
    return { request: unrendered, egress: 'refused', rate: { heldBack: false, retryAfterMs: 0 }, response: null, result: { ok: false, error } };
  }
  const { refusal, rate, egress, ...request } = dry;
  if (refusal) return { request: request.url === '' ? unrendered : request, egress, rate, response: null, result: { ok: false, error: refusal } };
  if (live) return { request, egress, rate, ...live };
  const declared = step.dryRunResponse;
  const simulated = { status: declared?.status ?? 200, headers: declared?.headers ?? {}, body: declared?.body ?? null };
  const response = { status: simulated.status, body: simulated.body };
  try {
    return { request, egress, rate, response, result: { ok: true, response: await simulateConnectorResponse(request, simulated) } };
  } catch (error) {
    return { request, egress, rate, response, result: { ok: false, error } };
  }
}
