import { ForbiddenError } from '#core';

/**
 * Refuses a URL whose scheme is not http(s), that carries userinfo, or whose host is not on the
 * connector's allow-list. An entry `host` allows any port; `host:port` only that port (the
 * scheme's default port counts when the URL has none). Matching is exact: no wildcards, and a
 * trailing dot or an IP literal is a different host unless listed as such. Called before any
 * network activity.
 */
export function assertEgressAllowed(url: URL, allowedHosts: readonly string[]): void {
  if (!isEgressAllowed(url, allowedHosts)) {
    throw new ForbiddenError('connector.egress_refused', `egress to ${url.host || '(no host)'} is not allowed for this connector`, { host: url.host });
  }
}

export function isEgressAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowedHosts.some((entry) => {
    const allowed = splitHostEntry(entry);
    return allowed !== undefined && allowed.hostname === url.hostname && (allowed.port === undefined || allowed.port === port);
  });
}

/** Splits `host`, `host:port`, `[v6]` or `[v6]:port`; undefined when the entry is not of that shape. */
export function splitHostEntry(entry: string): { hostname: string; port: string | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(entry.toLowerCase());
  if (!match?.[1]) return undefined;
  return { hostname: match[1], port: match[2] === undefined ? undefined : String(Number(match[2])) };
}
