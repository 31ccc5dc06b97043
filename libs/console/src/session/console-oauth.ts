import * as client from 'openid-client';
import type { ConsoleSettings } from '../console-settings.js';
import type { SessionTokens } from './console-session.js';

/**
 * The console as an OAuth client of the platform's own authorization server (openid-client):
 * authorization code with PKCE, refresh, revocation. The browser goes to the public issuer; the
 * server's own calls to /token and /revoke go to the address this instance listens on, so a
 * deployment behind a proxy never has to reach its public name from inside.
 */
export class ConsoleOAuth {
  private readonly configurations = new Map<string, client.Configuration>();

  constructor(private readonly settings: ConsoleSettings) {}

  async authorizationUrl(state: string, codeVerifier: string): Promise<URL> {
    return client.buildAuthorizationUrl(this.configurationFor(this.settings.issuer), {
      redirect_uri: this.settings.client.redirectUri,
      scope: this.settings.scopes.join(' '),
      state,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      resource: `${this.settings.issuer}/mcp`,
    });
  }

  /** Exchanges the code the browser brought back; throws on any failed check (state, issuer, code). */
  async exchange(internalOrigin: string, callbackUrl: URL, checks: { state: string; codeVerifier: string }): Promise<SessionTokens> {
    const response = await client.authorizationCodeGrant(this.configurationFor(internalOrigin), callbackUrl, { expectedState: checks.state, pkceCodeVerifier: checks.codeVerifier });
    return tokensOf(response);
  }

  async refresh(internalOrigin: string, refreshToken: string): Promise<SessionTokens> {
    return tokensOf(await client.refreshTokenGrant(this.configurationFor(internalOrigin), refreshToken));
  }

  /** Revoking the refresh token ends the grant (and every access token of it). */
  async revoke(internalOrigin: string, token: string): Promise<void> {
    await client.tokenRevocation(this.configurationFor(internalOrigin), token, { token_type_hint: 'refresh_token' });
  }

  static generateCodeVerifier(): string {
    return client.randomPKCECodeVerifier();
  }

  private configurationFor(internalOrigin: string): client.Configuration {
    const cached = this.configurations.get(internalOrigin);
    if (cached) return cached;
    const { issuer, client: credentials } = this.settings;
    const configuration = new client.Configuration(
      {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        revocation_endpoint: `${issuer}/revoke`,
        authorization_response_iss_parameter_supported: true,
        code_challenge_methods_supported: ['S256'],
      },
      credentials.clientId,
      { client_secret: credentials.clientSecret },
      client.ClientSecretBasic(credentials.clientSecret),
    );
    if (issuer.startsWith('http:')) client.allowInsecureRequests(configuration);
    if (internalOrigin !== issuer) {
      configuration[client.customFetch] = (url, options) => fetch(`${internalOrigin}${url.slice(issuer.length)}`, options as RequestInit);
    }
    this.configurations.set(internalOrigin, configuration);
    return configuration;
  }
}

function tokensOf(response: client.TokenEndpointResponse): SessionTokens {
  return {
    accessToken: response.access_token,
    accessExpiresAt: Date.now() + (response.expires_in ?? 300) * 1000,
    refreshToken: response.refresh_token,
    scopes: (response.scope ?? '').split(' ').filter((scope) => scope !== ''),
  };
}
