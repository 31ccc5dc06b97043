import { ValidationError } from '#core';
import { z } from 'zod';
import { isEgressAllowed, splitHostEntry } from './egress-policy.js';
import { HTTP_TOKEN, isHeaderValue, isReservedHeader } from './http-syntax.js';
import { onBehalfOfHeaderProblem } from './on-behalf-of-header.js';

export const SECRET_PLACEHOLDER = '{{secret}}';

const DNS_NAME = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

const baseUrlSchema = z.string().max(2048).superRefine((value, ctx) => {
  const problem = baseUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const allowedHostSchema = z.string().max(260).superRefine((value, ctx) => {
  const problem = hostEntryProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const headerNameSchema = z.string().max(256).regex(HTTP_TOKEN, 'must be an HTTP token (letters, digits and !#$%&\'*+-.^_`|~)');
const headerValueSchema = z.string().max(8192).refine(isHeaderValue, 'must not contain CR, LF, NUL or non-Latin-1 characters');

const authSchema = z.strictObject({
  placement: z.enum(['header', 'query']),
  name: headerNameSchema,
  template: z.string().max(4096).refine(isHeaderValue, 'must not contain CR, LF, NUL or non-Latin-1 characters')
    .refine((template) => template.split(SECRET_PLACEHOLDER).length === 2, `must contain ${SECRET_PLACEHOLDER} exactly once`),
}).superRefine((auth, ctx) => {
  if (auth.placement === 'header' && isReservedHeader(auth.name) && auth.name.toLowerCase() !== 'authorization') {
    ctx.addIssue({ code: 'custom', path: ['name'], message: `${auth.name} cannot carry the secret` });
  }
});

/** A JWT `aud`: an identifier or URI the downstream knows itself by; no spaces or control characters. */
const AUDIENCE = /^[\x21-\x7e]+$/;

/**
 * The connector asks for an assertion of the person each call acts for, in `header`; `audience`
 * (default: the origin of baseUrl) is the downstream the assertion is for. Cross-field rules are
 * checked with the whole config (onBehalfOfHeaderProblem).
 */
const onBehalfOfSchema = z.strictObject({
  header: headerNameSchema,
  audience: z.string().min(1).max(1024).regex(AUDIENCE, 'must be visible ASCII without spaces').optional(),
});

const rateLimitSchema = z.strictObject({
  perSecond: z.number().positive().max(10_000),
  burst: z.number().int().min(1).max(100_000).optional(),
}).transform((limit) => ({ perSecond: limit.perSecond, burst: limit.burst ?? Math.ceil(limit.perSecond) }));

/** A tenant-owned HTTP connector as an administrator defines it; the secret is stored apart, never here. */
export const connectorConfigSchema = z.strictObject({
  baseUrl: baseUrlSchema,
  allowedHosts: z.array(allowedHostSchema).min(1).max(20),
  auth: authSchema.optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  rateLimit: rateLimitSchema.default({ perSecond: 10, burst: 10 }),
  headers: z.record(headerNameSchema, headerValueSchema).optional(),
  onBehalfOf: onBehalfOfSchema.optional(),
}).superRefine((config, ctx) => {
  // zod runs this even when a field already failed with a custom issue, so baseUrl may be unparsable.
  const baseUrl = URL.parse(config.baseUrl);
  if (baseUrl && !isEgressAllowed(baseUrl, config.allowedHosts)) {
    ctx.addIssue({ code: 'custom', path: ['allowedHosts'], message: `must include the host of baseUrl (${baseUrl.host})` });
  }
  const authHeader = config.auth?.placement === 'header' ? config.auth.name.toLowerCase() : undefined;
  for (const name of Object.keys(config.headers ?? {})) {
    if (isReservedHeader(name) || name.toLowerCase() === authHeader) {
      ctx.addIssue({ code: 'custom', path: ['headers', name], message: `${name} may not be set as a static header` });
    }
  }
  const onBehalfOfProblem = config.onBehalfOf && onBehalfOfHeaderProblem(config.onBehalfOf.header, config.auth, config.headers);
  if (onBehalfOfProblem) ctx.addIssue({ code: 'custom', path: ['onBehalfOf', 'header'], message: onBehalfOfProblem });
});

export type ConnectorConfig = z.output<typeof connectorConfigSchema>;
/** What an administrator writes: `timeoutMs`, `rateLimit` and `rateLimit.burst` may be left out. */
export type ConnectorConfigInput = z.input<typeof connectorConfigSchema>;
export type ConnectorAuth = NonNullable<ConnectorConfig['auth']>;
export type ConnectorOnBehalfOf = NonNullable<ConnectorConfig['onBehalfOf']>;

/** Who an assertion for this connector is for: its `audience`, or else the origin of its base URL. */
export function onBehalfOfAudience(config: ConnectorConfig): string {
  return config.onBehalfOf?.audience ?? new URL(config.baseUrl).origin;
}

/** Validates a connector definition, naming every bad field in the message and in `details.issues`. */
export function parseConnectorConfig(input: unknown): ConnectorConfig {
  const parsed = connectorConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalid('connector.invalid_config', 'invalid connector configuration', parsed.error);
}

/** Turns zod issues into the ValidationError shared by the connector schemas. */
export function invalid(code: string, title: string, error: z.ZodError): ValidationError {
  const issues = error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
  return new ValidationError(code, `${title}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, { issues });
}

function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';
  // `new URL('https://h/#')` has an empty hash, so look at the text as well.
  if (url.hash !== '' || value.includes('#')) return 'must not contain a fragment';
  if (url.search !== '' || value.includes('?')) return 'must not contain a query string';
  return undefined;
}

function hostEntryProblem(entry: string): string | undefined {
  if (entry !== entry.toLowerCase()) return 'must be lowercase';
  const parts = splitHostEntry(entry);
  // The URL parser accepts '*' and other oddities in host names; an allow-list entry is plain DNS.
  if (!parts || !(parts.hostname.startsWith('[') || DNS_NAME.test(parts.hostname))) return 'must be a host name, optionally with :port';
  if (parts.port !== undefined && (Number(parts.port) < 1 || Number(parts.port) > 65535 || `:${parts.port}` !== entry.slice(entry.lastIndexOf(':')))) {
    return 'port must be 1-65535 without leading zeros';
  }
  let hostname: string;
  try {
    hostname = new URL(`http://${parts.hostname}/`).hostname;
  } catch {
    return 'must be a host name, optionally with :port';
  }
  // Non-canonical spellings (0x7f.1, unicode, uncompressed IPv6) would never equal a parsed URL's host.
  if (hostname !== parts.hostname) return `must be written as the URL parser does: ${hostname}`;
  return undefined;
}
