import { createHmac } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';

/** The console (backend-for-frontend) is a client of the platform's own authorization server. */
export const CONSOLE_CLIENT_ID = 'ledgerline-console';
export const CONSOLE_CALLBACK_PATH = '/console/callback';
export const CONSOLE_CLIENT_NAME = 'Ledgerline console';

/** What the console needs to be a client: where to send people back, and how it authenticates. */
export interface ConsoleClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/**
 * The console's credentials: a confidential client, its secret derived from the identity store's
 * first cookie key (secret, and the same on every instance, so any instance can exchange a code
 * another one started). Static in the provider's configuration: never in the store, never listed
 * as a tenant's client, never disabled by one.
 */
export function consoleClient(issuer: string, cookieKey: string): ConsoleClient {
  return {
    clientId: CONSOLE_CLIENT_ID,
    clientSecret: createHmac('sha256', cookieKey).update('ledgerline-console-client-secret').digest('base64url'),
    redirectUri: `${issuer}${CONSOLE_CALLBACK_PATH}`,
  };
}

export function consoleClientMetadata(client: ConsoleClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    client_name: CONSOLE_CLIENT_NAME,
    redirect_uris: [client.redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
