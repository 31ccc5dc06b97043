import { isReservedHeader } from './http-syntax.js';

/**
 * Headers that carry other meaning on the way and so never an assertion, beyond the reserved
 * ones: cookies (a downstream would read the assertion as a session), the body's framing, the
 * trace context the platform sets, what proxies add, and names fetch itself refuses.
 */
const REFUSED_HEADERS: ReadonlySet<string> = new Set([
  'cookie',
  'content-type',
  'content-encoding',
  'traceparent',
  'tracestate',
  'baggage',
  'forwarded',
  'via',
]);
const REFUSED_PREFIXES = ['proxy-', 'sec-', 'x-forwarded-'];

/** Where a connector's secret goes, as far as the assertion's header can clash with it. */
export interface SecretPlacement {
  placement: 'header' | 'query';
  name: string;
}

/**
 * Why `header` cannot carry a connector's on-behalf-of assertion, or undefined when it can.
 * Authorization is the one reserved header allowed, and only while no secret is configured to go
 * there: the assertion then is the call's credential. No other header the connector or a request
 * sets may share the name, or one would overwrite the other.
 */
export function onBehalfOfHeaderProblem(header: string, auth: SecretPlacement | undefined, staticHeaders: Readonly<Record<string, string>> = {}): string | undefined {
  const name = header.toLowerCase();
  const secretHeader = auth?.placement === 'header' ? auth.name.toLowerCase() : undefined;
  if (name === secretHeader) return `${header} carries the connector's secret (auth.name); name another header`;
  if (name !== 'authorization' && (isReservedHeader(name) || REFUSED_HEADERS.has(name) || REFUSED_PREFIXES.some((prefix) => name.startsWith(prefix)))) {
    return `${header} is set by the platform or the HTTP stack and cannot carry the assertion`;
  }
  if (Object.keys(staticHeaders).some((staticName) => staticName.toLowerCase() === name)) return `${header} is also a static header (headers); name another header`;
  return undefined;
}

/** The header's value: a bearer credential in Authorization (RFC 6750 syntax), the bare JWT anywhere else. */
export function onBehalfOfHeaderValue(header: string, assertion: string): string {
  return header.toLowerCase() === 'authorization' ? `Bearer ${assertion}` : assertion;
}
