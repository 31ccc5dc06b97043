/** RFC 9110 `token`: what a header name may be. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A header value fetch will send as given: no CR/LF/NUL (header injection) and only Latin-1, since
 * fetch rejects anything else with an error that quotes the value, which may hold a secret.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function isHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value);
}

/**
 * Headers neither a connector definition nor a rendered request may set: the ones this module
 * owns (authorization, idempotency key), the ones the HTTP client derives (host, length, framing)
 * and hop-by-hop ones that fetch refuses or that would change how the connection behaves.
 */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'host',
  'idempotency-key',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-authorization',
]);

export function isReservedHeader(name: string): boolean {
  return RESERVED_HEADERS.has(name.toLowerCase());
}

/** application/json or a JSON-based type such as application/problem+json; parameters ignored. */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
