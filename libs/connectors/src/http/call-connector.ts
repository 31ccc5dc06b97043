import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { DomainError, ValidationError, type JsonValue } from '#core';
import { traceHeaders } from '#observability';
import { renderConnectorAuth, type RenderedAuth } from './connector-auth.js';
import { ConnectorAbortedError, type ConnectorTarget } from './connector-call.errors.js';
import type { ConnectorConfig } from './connector-definition.js';
import { statusFailure, transportFailure, type CallContext } from './connector-failure.js';
import { connectorUrl, parseConnectorRequest, type ConnectorRequest } from './connector-request.js';
import { assertEgressAllowed } from './egress-policy.js';
import { EgressAddressRefusedError, EgressNetworks } from './egress-networks.js';
import { isJsonContentType } from './http-syntax.js';
import { onBehalfOfHeaderValue } from './on-behalf-of-header.js';
import { OnBehalfOfMissingError } from '../on-behalf-of/on-behalf-of.errors.js';
import { redactSecretInJson } from './redact-secret.js';
import { decodeBody, readBodyBytes } from './response-body.js';

export interface ConnectorCall {
  config: ConnectorConfig;
  /** The tenant's stored secret for this connector; required when `config.auth` is set. */
  secret?: string;
  /** The on-behalf-of assertion (a compact JWS) for this call; required when `config.onBehalfOf` is set, sent only then. */
  assertion?: string;
  request: ConnectorRequest;
  /** Sent as Idempotency-Key, so a retried call is one effect downstream. 1-255 visible ASCII characters. */
  idempotencyKey: string;
  /** Aborting it ends the call with ConnectorAbortedError (code 'connector.aborted'), not a timeout. */
  signal?: AbortSignal;
  /** Which non-public networks the operator opened; by default none (public addresses only). */
  egress?: ConnectorEgress;
}

/** The operator's egress networks and the HTTP dispatcher that enforces them at connect time (one per process: it pools connections). */
export interface ConnectorEgress {
  networks: EgressNetworks;
  dispatcher: Dispatcher;
}

let publicOnly: ConnectorEgress | undefined;

/** Egress to public addresses only: what a call gets when nobody opened a private network. */
export function connectorEgress(networks: readonly string[] = []): ConnectorEgress {
  if (networks.length === 0 && publicOnly) return publicOnly;
  const guard = new EgressNetworks(networks);
  const egress = { networks: guard, dispatcher: guard.dispatcher() };
  if (networks.length === 0) publicOnly = egress;
  return egress;
}

export interface ConnectorResponse {
  status: number;
  /** Only content-type, retry-after and location, when present. */
  headers: Record<string, string>;
  /** Parsed JSON when the content type is JSON, otherwise the text cut to 64 KiB. */
  body: JsonValue;
  durationMs: number;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_TEXT_BYTES = 64 * 1024;
const KEPT_RESPONSE_HEADERS = ['content-type', 'retry-after', 'location'];
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Calls a tenant's downstream system. Everything that can be refused is refused before any
 * network activity: the rendered request, the egress allow-list, the idempotency key, the secret.
 * Redirects are not followed (they could leave the allow-list); a 2xx is returned, anything else
 * throws ConnectorCallError saying whether a retry with the same idempotency key may help.
 * Neither the secret nor the query string ever appears in an error.
 */
export async function callConnector(call: ConnectorCall): Promise<ConnectorResponse> {
  const egress = call.egress ?? connectorEgress();
  const { url, request, auth, target } = prepareOutgoing(call, (checked) => assertStaticEgress(checked, call.config.allowedHosts, egress));
  if (call.signal?.aborted) throw new ConnectorAbortedError(target, { cause: call.signal.reason });

  const { config, secret } = call;
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const context: CallContext = { target, secret, assertion: call.assertion, timeoutMs: config.timeoutMs, timeout, callerSignal: call.signal };
  const started = performance.now();
  const linked = call.signal ? eitherSignal(call.signal, timeout) : { signal: timeout, release: () => undefined };
  try {
    return await send(url, request, call, auth, linked.signal, egress, context, started);
  } finally {
    linked.release();
  }
}

/** A request as it would go out (a dry run's view of a call): nothing was sent, and the secret is whatever the caller put in its place. */
export interface RenderedConnectorCall {
  method: ConnectorRequest['method'];
  url: string;
  headers: Record<string, string>;
  body: JsonValue | null;
  /** The static egress checks (allow-list, IP literals against the operator's networks); no DNS lookup is made. */
  egress: 'allowed' | 'refused';
  /** Why the live call would be refused before sending (egress, request, secret), as the live call throws it. */
  refusal?: DomainError;
}

/**
 * Renders a call exactly as callConnector would send it, by the same code, without sending it:
 * the caller passes a stand-in for the secret (and the assertion). Live, a refusal is thrown at
 * the first failed check; here the first refusal is reported with what could still be rendered.
 * A name's DNS answer is not checked (that happens at connect time, and a dry run connects to
 * nothing), so a host name resolving to a refused network still shows as 'allowed'.
 */
export function renderConnectorCall(call: Omit<ConnectorCall, 'signal'>): RenderedConnectorCall {
  const egress = call.egress ?? connectorEgress();
  let egressRefusal: DomainError | undefined;
  let rendered: { url: URL; request: ConnectorRequest; auth: RenderedAuth } | undefined;
  try {
    rendered = prepareOutgoing(call, (url) => {
      try {
        assertStaticEgress(url, call.config.allowedHosts, egress);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        egressRefusal = error;
      }
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { method: call.request.method, url: '', headers: {}, body: call.request.body ?? null, egress: egressRefusal ? 'refused' : 'allowed', refusal: egressRefusal ?? error };
  }
  const { url, request, auth } = rendered;
  return {
    method: request.method,
    url: url.href,
    headers: Object.fromEntries(outgoingHeaders(call, request, auth)),
    body: request.body ?? null,
    egress: egressRefusal ? 'refused' : 'allowed',
    ...(egressRefusal && { refusal: egressRefusal }),
  };
}

/** The egress checks that need no DNS answer: the connector's allow-list, then an IP literal against the operator's networks. */
function assertStaticEgress(url: URL, allowedHosts: ConnectorConfig['allowedHosts'], egress: ConnectorEgress): void {
  assertEgressAllowed(url, allowedHosts);
  egress.networks.assertLiteralAllowed(url.hostname);
}

/** Every check before the network, in the live order; `checkEgress` throws (live) or notes (dry) a refused URL. */
function prepareOutgoing(call: Omit<ConnectorCall, 'signal'>, checkEgress: (url: URL) => void): { url: URL; request: ConnectorRequest; auth: RenderedAuth; target: ConnectorTarget } {
  const { config, secret } = call;
  const request = parseConnectorRequest(call.request, config);
  const url = connectorUrl(config.baseUrl, request);
  checkEgress(url);
  if (!IDEMPOTENCY_KEY.test(call.idempotencyKey)) {
    const message = 'must be 1-255 visible ASCII characters';
    throw new ValidationError('connector.invalid_request', `invalid connector request: idempotencyKey: ${message}`, { issues: [{ path: 'idempotencyKey', message }] });
  }
  const auth = renderConnectorAuth(config.auth, secret);
  if (config.onBehalfOf && !call.assertion) throw new OnBehalfOfMissingError(config.onBehalfOf.header);
  const target = { method: request.method, host: url.host, path: url.pathname };
  if (auth.placement === 'query') url.searchParams.set(auth.name, auth.value);
  return { url, request, auth, target };
}

async function send(
  url: URL, request: ConnectorRequest, call: ConnectorCall, auth: RenderedAuth, signal: AbortSignal,
  egress: ConnectorEgress, context: CallContext, started: number,
): Promise<ConnectorResponse> {
  const { config } = call;
  let response: Response;
  try {
    // undici's own fetch, so the egress dispatcher is surely the one used (Node's global fetch is undici too).
    response = (await undiciFetch(url, {
      method: request.method,
      headers: outgoingHeaders(call, request, auth),
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      redirect: 'manual',
      signal,
      dispatcher: egress.dispatcher,
    })) as unknown as Response;
  } catch (error) {
    // A name that resolved to a non-public address: refused, not a transport failure to retry.
    const refused = causeOfType(error, EgressAddressRefusedError);
    if (refused) throw refused;
    throw transportFailure(error, context);
  }
  if (response.status < 200 || response.status > 299) throw await statusFailure(response, context);
  let bytes: Uint8Array;
  try {
    bytes = await readBodyBytes(response, MAX_RESPONSE_BYTES, 'fail');
  } catch (error) {
    throw transportFailure(error, context);
  }
  // A downstream that echoes the request (the secret or the assertion with it) must not get them into the run's events.
  const redacted = (value: JsonValue): JsonValue => redactSecretInJson(redactSecretInJson(value, call.secret), call.assertion);
  return {
    status: response.status,
    headers: redacted(keptHeaders(response.headers)) as Record<string, string>,
    body: redacted(decodeBody(bytes, response.headers.get('content-type'), MAX_TEXT_BYTES)),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Aborts when `caller` or `timeout` does, and lets go of both afterwards. Not AbortSignal.any: on
 * Node 20 a long-lived source (the worker's shutdown signal) keeps a WeakRef for every signal ever
 * derived from it, so each call leaked one (seen in the load test's heap snapshots).
 */
function eitherSignal(caller: AbortSignal, timeout: AbortSignal): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const fromCaller = (): void => controller.abort(caller.reason);
  const fromTimeout = (): void => controller.abort(timeout.reason);
  if (caller.aborted) fromCaller();
  else if (timeout.aborted) fromTimeout();
  caller.addEventListener('abort', fromCaller, { once: true });
  timeout.addEventListener('abort', fromTimeout, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      caller.removeEventListener('abort', fromCaller);
      timeout.removeEventListener('abort', fromTimeout);
    },
  };
}

/** Later sources win: defaults, the connector's static headers, the request's, then what this module owns (idempotency key, trace context, auth, assertion). */
function outgoingHeaders({ config, idempotencyKey, assertion }: Omit<ConnectorCall, 'signal'>, request: ConnectorRequest, auth: RenderedAuth): Array<[string, string]> {
  // A Map, not an object: a header named __proto__ must stay a header.
  const headers = new Map<string, string>([['accept', 'application/json'], ['user-agent', 'Ledgerline-Connector']]);
  for (const source of [config.headers, request.headers]) {
    for (const [name, value] of Object.entries(source ?? {})) headers.set(name.toLowerCase(), value);
  }
  if (request.body !== undefined && !isJsonContentType(headers.get('content-type'))) headers.set('content-type', 'application/json');
  headers.set('idempotency-key', idempotencyKey);
  // The trace context of the call (when traces are on): the tenant's endpoint may continue the trace.
  for (const [name, value] of Object.entries(traceHeaders())) headers.set(name, value);
  if (auth.placement === 'header') headers.set(auth.name.toLowerCase(), auth.value);
  if (config.onBehalfOf && assertion) headers.set(config.onBehalfOf.header.toLowerCase(), onBehalfOfHeaderValue(config.onBehalfOf.header, assertion));
  return [...headers];
}

/** The response headers a step sees (the rest stay with the connector call). */
export function keptHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_RESPONSE_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}

/** The first error of `type` along the cause chain (not `instanceof Error` on the way: fetch's own errors may come from another realm). */
function causeOfType<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current: unknown = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof type) return current;
  }
  return undefined;
}
