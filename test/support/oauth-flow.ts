import { runCli } from '../../apps/cli/src/cli.js';
import { formOf, OAuthBrowser, pkcePair } from './oauth-browser.js';
import type { PlatformHarness } from './platform-harness.js';

export const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

/** Runs the CLI against the harness's stores (in this process), with `stdin` as standard input. */
export async function cliOn(harness: PlatformHarness, args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const env = { LEDGERLINE_DATA_DIR: harness.platform.dataDir, ...(harness.databaseUrl && { LEDGERLINE_EVENT_STORE: 'postgres', DATABASE_URL: harness.databaseUrl }) };
  const code = await runCli(args, { env, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, readStdin: async () => stdin });
  return { code, stdout, stderr };
}

export async function addUser(harness: PlatformHarness, tenant: string, username: string, password: string): Promise<void> {
  const created = await cliOn(harness, ['tenants', 'create', tenant, '--name', tenant]);
  if (created.code !== 0 && !/exists/.test(created.stderr)) throw new Error(`tenants create: ${created.stderr}`);
  const added = await cliOn(harness, ['users', 'add', username, '--tenant', tenant, '--password-stdin'], `${password}\n`);
  if (added.code !== 0) throw new Error(`users add: ${added.stderr}${added.stdout}`);
}

export async function registerClient(baseUrl: string, metadata: Record<string, unknown> = {}): Promise<{ client_id: string } & Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Test agent', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', ...metadata }),
  });
  const body = (await response.json()) as { client_id: string } & Record<string, unknown>;
  if (response.status !== 201) throw new Error(`registration: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** The person at the browser: a local account's password, or the company's provider (its button, then this login on its page). */
export interface PersonAtBrowser {
  tenant?: string;
  username?: string;
  password?: string;
  /** The company's provider: its button (by provider id; the first when not given), then this login on the provider's page (test/support/upstream-idp.ts). */
  upstream?: { login: string; provider?: string };
  /** Untick all but these on the consent page (default: grant everything offered). */
  grant?: string[];
  browser?: OAuthBrowser;
}

export interface AuthorizeOptions extends PersonAtBrowser {
  clientId: string;
  scope: string;
  redirectUri?: string;
  /** Stop (as at the redirect) before the browser is sent to a URL starting with this: a step a test wants to take itself. */
  pauseAt?: string;
  extra?: Record<string, string>;
}

type Page = Awaited<ReturnType<OAuthBrowser['follow']>>;

/** A person signs in and consents in the browser; returns the code, state and PKCE verifier the client gets back. */
export async function authorize(baseUrl: string, options: AuthorizeOptions): Promise<{ code: string; verifier: string; state: string; browser: OAuthBrowser }> {
  const { page, verifier, browser, redirectUri } = await browseAuthorization(baseUrl, options);
  if (!page.url.startsWith(redirectUri)) throw new Error(`unexpected page ${page.status} at ${page.url}:\n${page.body.slice(0, 1500)}`);
  const callback = new URL(page.url);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${page.url}`);
  return { code, verifier, state: callback.searchParams.get('state') ?? '', browser };
}

/** The same walk through sign-in and consent, stopping at the client's redirect or at the first page it cannot fill in (a refusal, say). */
export async function browseAuthorization(baseUrl: string, options: AuthorizeOptions): Promise<{ page: Page; verifier: string; browser: OAuthBrowser; redirectUri: string }> {
  const browser = options.browser ?? new OAuthBrowser();
  const { verifier, challenge } = pkcePair();
  const state = `state-${Math.random().toString(36).slice(2)}`;
  const redirectUri = options.redirectUri ?? REDIRECT_URI;
  const query = new URLSearchParams({
    response_type: 'code', client_id: options.clientId, redirect_uri: redirectUri, scope: options.scope, state,
    code_challenge: challenge, code_challenge_method: 'S256', resource: `${baseUrl}/mcp`, ...options.extra,
  });
  const page = await walk(`${baseUrl}/authorize?${query}`, [redirectUri, ...(options.pauseAt ? [options.pauseAt] : [])], { ...options, browser });
  return { page, verifier, browser, redirectUri };
}

/**
 * What the person does with an authorization URL a client opened for them: signs in, allows the
 * scopes on the consent page, until the redirect to `redirectUri`, whose URL is returned.
 */
export async function signInAndConsent(authorizationUrl: string, redirectUri: string, person: PersonAtBrowser): Promise<URL> {
  const page = await walk(authorizationUrl, [redirectUri], person);
  if (!page.url.startsWith(redirectUri)) throw new Error(`no redirect to ${redirectUri}; stopped at ${page.status} ${page.url}:\n${page.body.slice(0, 1500)}`);
  return new URL(page.url);
}

/** Fills in each page (provider button, provider login, sign-in, consent) until a URL starting with one of `stops`, or a page it cannot fill in. */
async function walk(url: string, stops: string[], person: PersonAtBrowser): Promise<Page> {
  const browser = person.browser ?? new OAuthBrowser();
  const { upstream } = person;
  let page = await browser.follow(url, stops);
  for (let step = 0; step < 6 && !stops.some((stop) => page.url.startsWith(stop)); step++) {
    if (upstream && page.body.includes('/federated"')) {
      const form = formOf(page.body, page.url, '/federated');
      const provider = upstream.provider ?? /name="provider" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      page = await browser.follow(form.action, stops, { ...form.fields, provider });
    } else if (upstream && /action="\/login\/[^"]+"/.test(page.body)) {
      const form = formOf(page.body, page.url, /action="(\/login\/[^"]+)"/.exec(page.body)![1]!);
      page = await browser.follow(form.action, stops, { ...form.fields, login: upstream.login });
    } else if (!upstream && page.body.includes('/sign-in"')) {
      const form = formOf(page.body, page.url, '/sign-in');
      page = await browser.follow(form.action, stops, { ...form.fields, tenant: person.tenant ?? '', username: person.username ?? '', password: person.password ?? '' });
    } else if (page.body.includes('/consent"')) {
      const form = formOf(page.body, page.url, '/consent');
      const scopes = person.grant ?? [...page.body.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => m[1]!);
      page = await browser.follow(form.action, stops, { ...form.fields, decision: 'allow', scope: scopes });
    } else {
      break;
    }
  }
  return page;
}

export interface TokenAnswer {
  status: number;
  body: { access_token?: string; refresh_token?: string; token_type?: string; expires_in?: number; scope?: string; error?: string; error_description?: string };
}

export async function tokenRequest(baseUrl: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenAnswer> {
  const response = await fetch(`${baseUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() });
  return { status: response.status, body: (await response.json()) as TokenAnswer['body'] };
}

/** `resource` defaults to the MCP endpoint at `baseUrl` (another instance behind the same public URL names that URL's). */
export function exchangeCode(baseUrl: string, clientId: string, code: string, verifier: string, redirectUri = REDIRECT_URI, resource = `${baseUrl}/mcp`): Promise<TokenAnswer> {
  return tokenRequest(baseUrl, { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: redirectUri, resource });
}

export function refresh(baseUrl: string, clientId: string, refreshToken: string): Promise<TokenAnswer> {
  return tokenRequest(baseUrl, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
}

export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

export function headerOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
}
