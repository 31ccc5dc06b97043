import type { AuthSettings } from './auth.settings.js';

/** RFC 9728 §2 protected-resource metadata, the fields Ledgerline serves. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: ['header'];
  scopes_supported?: string[];
  resource_name: string;
}

export function protectedResourceMetadata(settings: AuthSettings, scopesSupported: readonly string[]): ProtectedResourceMetadata {
  return {
    resource: settings.resourceUrl,
    authorization_servers: [...settings.authorizationServers],
    bearer_methods_supported: ['header'],
    ...(scopesSupported.length > 0 ? { scopes_supported: [...scopesSupported] } : {}),
    resource_name: 'Ledgerline',
  };
}
