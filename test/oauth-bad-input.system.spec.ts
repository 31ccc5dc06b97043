import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PLATFORM_TENANT } from '#core';
import { OAuthBrowser, pkcePair } from './support/oauth-browser.js';
import { until } from './support/until.js';
import { addUser, REDIRECT_URI, registerClient } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

/** The error codes RFC 6749 (§4.1.2.1, §5.2), RFC 7009, RFC 7591 and RFC 8707 define. */
const OAUTH_ERRORS = new Set([
  'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'server_error', 'temporarily_unavailable',
  'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'unsupported_token_type', 'invalid_redirect_uri', 'invalid_client_metadata', 'invalid_target',
]);

interface Attempt {
  name: string;
  send(): Promise<Response>;
}

/**
 * Bad input at every endpoint of the authorization server gets an OAuth error (JSON at the
 * back-channel endpoints, a redirect or an error page at the front), never a 5xx or a stack
 * trace, and changes nothing: the event log does not move.
 */
describe.each(['sqlite', 'postgres'] as const)('bad input at the authorization server (%s)', (kind) => {
  let h: PlatformHarness;
  let url: string;
  let clientId: string;

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    url = h.platform.url;
    await addUser(h, 'acme', 'alice', 'a long enough password 1');
    clientId = (await registerClient(url)).client_id;
    // ClientRegistered is appended beside the registration's answer: wait for it before counting.
    await until(async () => {
      for await (const batch of h.store.readAll({ tenantId: PLATFORM_TENANT })) if (batch.some((event) => event.type === 'ClientRegistered')) return true;
      return undefined;
    }, 5000, 'ClientRegistered', 20);
  });
  afterAll(async () => h?.stop());

  const form = (path: string, params: Record<string, string> | string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: typeof params === 'string' ? params : new URLSearchParams(params).toString() });
  const authorize = (params: Record<string, string>): Promise<Response> => fetch(`${url}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
  const { challenge } = pkcePair();
  const good = (): Record<string, string> => ({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'memory:read', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });

  const attempts = (): Attempt[] => [
    { name: 'authorize without client_id', send: () => authorize({ ...good(), client_id: '' }) },
    { name: 'authorize for an unknown client', send: () => authorize({ ...good(), client_id: 'nobody' }) },
    { name: 'authorize with the implicit response type', send: () => authorize({ ...good(), response_type: 'token' }) },
    { name: 'authorize with a scope holding quotes', send: () => authorize({ ...good(), scope: 'memory:read "x"' }) },
    { name: 'authorize with a 20 kB state', send: () => authorize({ ...good(), state: 'x'.repeat(20_000) }) },
    { name: 'authorize with a resource that is not a URL', send: () => authorize({ ...good(), resource: 'not a url' }) },
    { name: 'authorize with a malformed code challenge', send: () => authorize({ ...good(), code_challenge: 'short' }) },
    { name: 'token without grant_type', send: () => form('/token', { client_id: clientId }) },
    { name: 'token with an unknown grant type', send: () => form('/token', { grant_type: 'password', client_id: clientId, username: 'alice', password: 'x' }) },
    { name: 'token with a made-up code', send: () => form('/token', { grant_type: 'authorization_code', client_id: clientId, code: 'made-up', code_verifier: 'x'.repeat(43), redirect_uri: REDIRECT_URI }) },
    { name: 'token with a made-up refresh token', send: () => form('/token', { grant_type: 'refresh_token', client_id: clientId, refresh_token: 'made-up' }) },
    { name: 'token with client credentials for a public client', send: () => form('/token', { grant_type: 'client_credentials', client_id: clientId }) },
    { name: 'token with a JSON body', send: () => fetch(`${url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', client_id: clientId }) }) },
    { name: 'token with a 200 kB body', send: () => form('/token', `grant_type=refresh_token&client_id=${clientId}&refresh_token=${'x'.repeat(200_000)}`) },
    { name: 'token with a malformed Basic header', send: () => form('/token', { grant_type: 'client_credentials' }, { authorization: 'Basic !!!not-base64' }) },
    { name: 'revoke without a token', send: () => form('/revoke', { client_id: clientId }) },
    { name: 'revoke for an unknown client', send: () => form('/revoke', { client_id: 'nobody', token: 'x' }) },
    { name: 'an interaction that does not exist', send: () => fetch(`${url}/interaction/does-not-exist`, { redirect: 'manual' }) },
    { name: 'a sign-in post for an interaction that does not exist', send: () => form('/interaction/does-not-exist/sign-in', { tenant: 'acme', username: 'alice', password: 'x' }) },
    { name: 'a 100 kB sign-in form', send: () => form('/interaction/does-not-exist/sign-in', `tenant=${'a'.repeat(100_000)}`) },
  ];

  it('answers each with an OAuth error, never a 5xx or a stack trace, and appends nothing', async () => {
    const before = await h.store.committedPosition();
    const failures: string[] = [];
    for (const attempt of attempts()) {
      const response = await attempt.send();
      const body = await response.text();
      const location = response.headers.get('location');
      if (response.status >= 500) failures.push(`${attempt.name}: ${response.status}`);
      if (/\n\s+at .+:\d+:\d+/.test(body)) failures.push(`${attempt.name}: a stack trace`);
      if (response.headers.get('content-type')?.includes('json')) {
        const error = (JSON.parse(body) as { error?: string }).error;
        if (!error || !OAUTH_ERRORS.has(error)) failures.push(`${attempt.name}: error ${String(error)}`);
      } else if (location) {
        const back = new URL(location);
        const error = back.searchParams.get('error') ?? new URLSearchParams(back.hash.slice(1)).get('error');
        if (!error || !OAUTH_ERRORS.has(error)) failures.push(`${attempt.name}: redirect without an OAuth error (${location.slice(0, 120)})`);
      } else if (response.status === 414 || response.status === 431) {
        // Refused by the HTTP server itself before any of ours runs (request line or headers too long).
      } else if (!/<h1>/.test(body) || response.status < 400) {
        failures.push(`${attempt.name}: ${response.status} without an error page`);
      }
    }
    expect(failures).toEqual([]);
    expect(await h.store.committedPosition()).toBe(before);
  });

  it('still serves a good flow afterwards', async () => {
    const page = await new OAuthBrowser().follow(`${url}/authorize?${new URLSearchParams({ ...good(), resource: `${url}/mcp` })}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('/sign-in"');
  });
});
