/** A stored client as the admin API shows it: never its secret. */
export interface ClientView {
  clientId: string;
  name: string | null;
  /** The tenant a tenant admin registered it for; null for self-registered clients anyone may use. */
  tenantId: string | null;
  /** service: client credentials (a service principal); interactive: people sign in and consent. */
  kind: 'service' | 'interactive';
  /** What it may hold at most; empty for a self-registered client (people's consent decides). */
  scopes: string[];
  redirectUris: string[];
}

/** Reads oidc-provider's stored client metadata; undefined for a payload without a client id. */
export function clientViewOf(payload: Record<string, unknown>): ClientView | undefined {
  if (typeof payload.client_id !== 'string') return undefined;
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  return {
    clientId: payload.client_id,
    name: typeof payload.client_name === 'string' ? payload.client_name : null,
    tenantId: typeof payload.tenant_id === 'string' ? payload.tenant_id : null,
    kind: strings(payload.grant_types).includes('client_credentials') ? 'service' : 'interactive',
    scopes: [...(scopeBoundOf(payload) ?? [])],
    redirectUris: strings(payload.redirect_uris),
  };
}

/**
 * The resource scopes a client a tenant admin registered may hold at most (its `resource_scope`);
 * undefined when nothing bounds it (a self-registered client: people's consent decides).
 */
export function scopeBoundOf(metadata: Record<string, unknown>): ReadonlySet<string> | undefined {
  if (typeof metadata.tenant_id !== 'string' || typeof metadata.resource_scope !== 'string') return undefined;
  return new Set(metadata.resource_scope.split(' ').filter((scope) => scope !== ''));
}
