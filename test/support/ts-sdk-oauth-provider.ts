import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * The TypeScript MCP SDK's OAuthClientProvider, kept in memory the way a CLI agent would keep it
 * on disk: what the SDK saves, it gets back unchanged. Every authorization URL the SDK opens is
 * recorded for the test to hand to a person (the SDK returns 'REDIRECT' and the call fails with
 * UnauthorizedError until `finishAuth(code)`); every token set it saves is kept, refreshes included.
 */
export class RecordingOAuthProvider implements OAuthClientProvider {
  readonly authorizationUrls: URL[] = [];
  readonly savedTokens: OAuthTokens[] = [];
  readonly invalidated: string[] = [];
  private client: OAuthClientInformationMixed | undefined;
  private verifier = '';
  private lastState = '';

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    readonly clientMetadataUrl?: string,
  ) {}

  state(): string {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }

  /** The state of the last authorization URL, for the redirect to be checked against. */
  expectedState(): string {
    return this.lastState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.client = client;
  }

  tokens(): OAuthTokens | undefined {
    return this.savedTokens.at(-1);
  }

  saveTokens(tokens: OAuthTokens): void {
    this.savedTokens.push(tokens);
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.authorizationUrls.push(authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  // The SDK calls this when the server refuses what it holds (invalid_grant after revocation).
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    this.invalidated.push(scope);
    if (scope === 'all' || scope === 'tokens') this.savedTokens.length = 0;
    if (scope === 'all' || scope === 'client') this.client = undefined;
  }
}

export interface LoggedExchange {
  method: string;
  path: string;
  status: number;
  /** The OAuth error code of a refused /token or /register. */
  error?: string;
}

/** A fetch for the SDK's transport (its OAuth requests go through it too) that logs each exchange. */
export function loggingFetch(log: LoggedExchange[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    const entry: LoggedExchange = { method: request.method, path: new URL(request.url).pathname, status: response.status };
    if (response.status >= 400 && (entry.path === '/token' || entry.path === '/register')) {
      entry.error = ((await response.clone().json()) as { error?: string }).error;
    }
    log.push(entry);
    return response;
  };
}
