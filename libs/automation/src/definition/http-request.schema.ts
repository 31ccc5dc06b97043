import { z } from 'zod';
import { jsonValueSchema } from './json-value.schema.js';
import { literalParts } from './template-reference.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
// Credentials are the connector's business and framing is the HTTP client's; a tenant template must not override either.
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'host', 'content-length', 'transfer-encoding', 'connection',
]);
const LINE_BREAK = /[\r\n\0]/;
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

const pathTemplate = z.string().min(1).max(2048)
  .refine((path) => path.startsWith('/') && !path.startsWith('//'), { error: 'must start with a single "/" (a path on the connector, not a URL)' })
  .refine((path) => !/[?#]/.test(literalParts(path)), { error: 'must not contain "?" or "#": put query parameters in request.query' })
  .refine((path) => !WHITESPACE_OR_CONTROL.test(literalParts(path)), { error: 'must not contain whitespace or control characters' })
  .refine((path) => !literalParts(path).split('/').some((segment) => segment === '.' || segment === '..'), { error: 'must not contain "." or ".." segments' });

const headers = z.record(
  z.string().regex(HEADER_NAME, { error: 'header names are 1-64 token characters' })
    .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), { error: 'this header is set by the connector or the HTTP client, not by a template' }),
  z.string().max(4096).refine((value) => !LINE_BREAK.test(value), { error: 'header values must not contain CR, LF or NUL' }),
);

export const httpRequestTemplateSchema = z.strictObject({
  method: z.enum(HTTP_METHODS, { error: `method must be one of ${HTTP_METHODS.join(', ')}` }),
  path: pathTemplate,
  query: z.record(z.string().min(1).max(128), z.string().max(4096)).optional(),
  headers: headers.optional(),
  body: jsonValueSchema.optional(),
});

/** A connector request as written in a definition; every string may hold `{{ ref }}` placeholders. */
export type HttpRequestTemplate = z.output<typeof httpRequestTemplateSchema>;
