import type { JsonValue } from '#core';
import { keptHeaders, type ConnectorResponse } from './call-connector.js';
import type { ConnectorCallError } from './connector-call.errors.js';
import { statusFailure, type CallContext } from './connector-failure.js';

/** What a dry run says a downstream answered (an automation step's dryRunResponse, or an empty 200). */
export interface SimulatedResponse {
  status: number;
  headers: Record<string, string>;
  body: JsonValue;
}

// The statuses whose responses carry no body (the Response constructor refuses one).
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * The live call's answer to a simulated response: a 2xx is the response a run's step sees (only
 * the headers the live call keeps); anything else is the ConnectorCallError the live call would
 * throw, classified by the same code (statusFailure: redirect, 429 with Retry-After, 408/5xx, 4xx),
 * so a dry run retries and gives up exactly as a run would.
 */
export async function simulateConnectorResponse(request: { method: string; url: string }, simulated: SimulatedResponse): Promise<ConnectorResponse> {
  const headers = new Headers(simulated.headers);
  if (simulated.status >= 200 && simulated.status <= 299) return { status: simulated.status, headers: keptHeaders(headers), body: simulated.body, durationMs: 0 };
  throw await simulatedFailure(request, simulated, headers);
}

function simulatedFailure(request: { method: string; url: string }, simulated: SimulatedResponse, headers: Headers): Promise<ConnectorCallError> {
  const url = new URL(request.url);
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  const body = NULL_BODY_STATUSES.has(simulated.status) || simulated.body === null ? null : JSON.stringify(simulated.body);
  const response = new Response(body, { status: simulated.status, headers });
  const context: CallContext = {
    target: { method: request.method, host: url.host, path: url.pathname },
    secret: undefined, assertion: undefined, timeoutMs: 0, timeout: AbortSignal.abort(), callerSignal: undefined,
  };
  return statusFailure(response, context);
}
