import * as client from 'openid-client';
import { UnavailableError } from '#core';
import type { UpstreamProvider } from './upstream-provider.js';

/** The provider's discovery document is read again after this long (a failed read is retried at the next sign-in). */
const DISCOVERY_TTL_MS = 60 * 60_000;
const TIMEOUT_SECONDS = 10;

/** What binds a provider's answer to the request Ledgerline sent it. */
export interface UpstreamChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Sent as max_age; the ID token's auth_time must then be at most this old. */
  maxAgeSeconds?: number;
}

/** Why the provider's answer was not a verified sign-in. */
export type UpstreamFailure = 'denied' | 'invalid' | 'unavailable';

export class UpstreamSignInError extends Error {
  constructor(readonly failure: UpstreamFailure, message: string) {
    super(message);
  }
}

/**
 * The relying party's side of OpenID Connect, through openid-client: discovery (cached per
 * provider), the authorization URL with PKCE S256, state and nonce, and the code exchange, where
 * openid-client checks the ID token's signature (the provider's JWKS), issuer, audience (our client
 * id), expiry and nonce. Only the ID token's claims leave this class: the provider's access and
 * refresh tokens are dropped here, never stored or logged.
 */
export class UpstreamProtocol {
  private readonly discovered = new Map<string, { at: number; configuration: Promise<client.Configuration> }>();

  constructor(private readonly callbackUrl: string, private readonly clock: () => number = Date.now) {}

  async authorizationUrl(provider: UpstreamProvider, checks: UpstreamChecks): Promise<string> {
    const configuration = await this.configurationOf(provider);
    return client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.callbackUrl,
      scope: provider.scopes,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      ...(checks.maxAgeSeconds !== undefined && { max_age: String(checks.maxAgeSeconds) }),
    }).href;
  }

  /** The verified ID token's claims for the authorization response the browser brought back. */
  async verifiedClaims(provider: UpstreamProvider, response: URLSearchParams, checks: UpstreamChecks): Promise<Record<string, unknown>> {
    const currentUrl = new URL(this.callbackUrl);
    currentUrl.search = response.toString();
    try {
      const configuration = await this.configurationOf(provider);
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
        ...(checks.maxAgeSeconds !== undefined && { maxAge: checks.maxAgeSeconds }),
      });
      const claims = tokens.claims();
      if (!claims) throw new UpstreamSignInError('invalid', 'the provider returned no ID token');
      return { ...claims };
    } catch (error) {
      throw classified(error);
    }
  }

  private configurationOf(provider: UpstreamProvider): Promise<client.Configuration> {
    const cached = this.discovered.get(provider.id);
    if (cached && this.clock() - cached.at < DISCOVERY_TTL_MS) return cached.configuration;
    const issuer = new URL(provider.issuer);
    const configuration = client
      .discovery(issuer, provider.clientId, undefined, client.ClientSecretBasic(provider.clientSecret), {
        timeout: TIMEOUT_SECONDS,
        // Configuration refuses plain http except on loopback (development).
        execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.discovered.delete(provider.id);
        throw new UnavailableError('identity.upstream_unavailable', `cannot read the discovery document of ${provider.issuer}: ${describe(error)}`, 5000, { provider: provider.id });
      });
    this.discovered.set(provider.id, { at: this.clock(), configuration });
    return configuration;
  }
}

/**
 * The provider said no (the person cancelled, or the code was refused), its answer failed a check
 * (signature, issuer, audience, nonce, state), or it could not be reached. Messages are
 * openid-client's, which name the failed check and never a token or the client secret.
 */
function classified(error: unknown): UpstreamSignInError {
  if (error instanceof UpstreamSignInError) return error;
  if (error instanceof UnavailableError) return new UpstreamSignInError('unavailable', error.message);
  if (error instanceof client.AuthorizationResponseError) return new UpstreamSignInError('denied', `the provider answered ${error.error}`);
  if (error instanceof client.ResponseBodyError) return new UpstreamSignInError('denied', `the token endpoint answered ${error.error} (${error.status})`);
  if (error instanceof client.ClientError) {
    // The cause's message names the check ('unexpected JWT "aud" (audience) claim value'); its own cause holds the claims, which stay out.
    const check = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new UpstreamSignInError('invalid', `the provider's answer failed a check: ${error.message}${check}`);
  }
  return new UpstreamSignInError('unavailable', `the provider could not be reached: ${describe(error)}`);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return `${(error as Error).message ?? String(error)}${typeof cause?.code === 'string' ? ` (${cause.code})` : ''}`;
}
