import type { AuthSettings } from './auth.settings.js';

/** The answer to a browser request from an origin this server does not trust. */
export const FORBIDDEN_ORIGIN_BODY = { error: 'forbidden_origin', error_description: 'the Origin of this request is not allowed' } as const;

/**
 * DNS-rebinding defence from the MCP Streamable HTTP transport spec: a request that carries an
 * `Origin` header (a browser) must come from an allowed origin. Requests without one (agents,
 * CLIs, servers) pass: they are authenticated by their token, not by a browser's ambient state.
 */
export function originPolicy(settings: AuthSettings): (origin: string | undefined) => boolean {
  const allowed = new Set(settings.allowedOrigins.map((origin) => origin.toLowerCase()));
  return (origin) => origin === undefined || allowed.has(origin.toLowerCase());
}
