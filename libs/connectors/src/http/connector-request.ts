import { assertJsonValue, BoundedMemo, ValidationError, type JsonValue } from '#core';
import { z } from 'zod';
import { invalid, type ConnectorConfig } from './connector-definition.js';
import { HTTP_TOKEN, isHeaderValue, isReservedHeader } from './http-syntax.js';

/** One HTTP call as an automation step renders it from templates; treat every field as hostile. */
export interface ConnectorRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the connector's baseUrl, which keeps its path prefix: '/api' + '/x' → '/api/x'. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: JsonValue;
}

const MAX_BODY_BYTES = 1024 * 1024;

const requestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().min(1).max(2048).superRefine((path, ctx) => {
    const problem = pathProblem(path);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  query: z.record(z.string().min(1).max(256), z.string().max(4096))
    .refine((query) => Object.keys(query).length <= 100, 'at most 100 parameters').optional(),
  headers: z.record(z.string().max(256).regex(HTTP_TOKEN, 'must be an HTTP token'), z.string().max(8192).refine(isHeaderValue, 'must not contain CR, LF, NUL or non-Latin-1 characters'))
    .refine((headers) => Object.keys(headers).length <= 50, 'at most 50 headers').optional(),
  body: z.unknown().optional(),
});

/**
 * Validates a rendered request against its connector: a path that stays under the base URL, no
 * header that would override what this module owns (auth, on-behalf-of assertion, idempotency
 * key, framing), no query parameter that would shadow the secret, a JSON body (none on GET) of at
 * most 1 MiB.
 */
export function parseConnectorRequest(input: unknown, config: ConnectorConfig): ConnectorRequest {
  const parsed = requestSchema.safeParse(input);
  if (!parsed.success) throw invalid('connector.invalid_request', 'invalid connector request', parsed.error);
  const { method, path, query, headers, body } = parsed.data;
  const auth = config.auth;
  const owned = [auth?.placement === 'header' ? auth.name : undefined, config.onBehalfOf?.header].flatMap((name) => (name === undefined ? [] : [name.toLowerCase()]));
  for (const name of Object.keys(headers ?? {})) {
    if (isReservedHeader(name) || owned.includes(name.toLowerCase())) throw refused(`headers.${name}`, `${name} may not be set by a request`);
  }
  if (auth?.placement === 'query' && query && Object.hasOwn(query, auth.name)) {
    throw refused(`query.${auth.name}`, `${auth.name} may not be set by a request`);
  }
  if (body !== undefined) {
    if (method === 'GET') throw refused('body', 'a GET request has no body');
    assertJsonBody(body);
    if (Buffer.byteLength(JSON.stringify(body)) > MAX_BODY_BYTES) throw refused('body', 'must be at most 1 MiB as JSON');
  }
  return { method, path, ...(query && { query }), ...(headers && { headers }), ...(body !== undefined && { body }) };
}

/** The URL a validated request goes to: baseUrl's origin and path prefix, then `path` and `query`. */
export function connectorUrl(baseUrl: string, request: Pick<ConnectorRequest, 'path' | 'query'>): URL {
  const base = bases.get(baseUrl);
  const prefix = base.prefix;
  const url = new URL(prefix + request.path, base.origin);
  // Backstop for pathProblem: whatever the parser made of the path, it must stay where the base points.
  if (url.origin !== base.origin || !(url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) {
    throw refused('path', 'must stay under the base URL');
  }
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.append(name, value);
  return url;
}

/** A connector's base URL parsed once: every call of every run to it starts from the same few strings. */
const bases = new BoundedMemo(10_000, (baseUrl: string) => {
  const parsed = new URL(baseUrl);
  return { origin: parsed.origin, prefix: parsed.pathname.replace(/\/+$/, '') };
});

function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return "must start with '/'";
  if (path.startsWith('//')) return "must not start with '//'";
  if (path.includes('\\')) return 'must not contain a backslash';
  if (path.includes('://')) return 'must not contain a scheme';
  if (path.includes('?') || path.includes('#')) return "must not contain '?' or '#' (put parameters in query)";
  // The URL parser silently drops tabs and newlines, which would change the path that was checked.
  if (/[\x00-\x1f\x7f]/.test(path)) return 'must not contain control characters';
  const dotSegment = path.split('/').some((segment) => ['.', '..'].includes(segment.toLowerCase().replaceAll('%2e', '.')));
  if (dotSegment) return "must not contain '.' or '..' segments";
  return undefined;
}

function assertJsonBody(body: unknown): asserts body is JsonValue {
  try {
    assertJsonValue(body, 'body');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw refused(String(error.details['path']), String(error.details['reason']));
  }
}

function refused(path: string, message: string): ValidationError {
  return new ValidationError('connector.invalid_request', `invalid connector request: ${path}: ${message}`, { issues: [{ path, message }] });
}
