import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { startClientMetadataServer, type ClientMetadataServer } from '../support/client-metadata-server.js';
import { openIdentityStore, type IdentityStore } from '#identity';
import { formOf, OAuthBrowser, pkcePair } from '../support/oauth-browser.js';
import { addUser, authorize, claimsOf, exchangeCode, REDIRECT_URI, refresh, registerClient, tokenRequest } from '../support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from '../support/platform-harness.js';
import { scanForSecret } from '../support/secret-scan.js';
import { until } from '../support/until.js';

/**
 * The authorization server under attack, one defence per test (each fails with its defence taken
 * away). The attacker is a client, a web page or a person at the sign-in form; the platform runs
 * as shipped (embedded store), with a second tenant to cross into.
 */
const PASSWORD = 'a long enough password 1';
const ATTACKER_URI = 'https://attacker.example/steal';

describe('attacks on the authorization server', () => {
  let h: PlatformHarness;
  let url: string;
  let clientId: string;
  let identity: IdentityStore;
  const leaked: string[] = [];

  beforeAll(async () => {
    h = await startPlatformOn('sqlite');
    url = h.platform.url;
    await addUser(h, 'acme', 'alice', PASSWORD);
    await addUser(h, 'acme', 'mallory', PASSWORD);
    await addUser(h, 'globex', 'gina', PASSWORD);
    clientId = (await registerClient(url)).client_id;
    identity = await openIdentityStore({ kind: 'sqlite', dataDir: h.platform.dataDir });
  });
  afterAll(async () => {
    await identity?.close();
    await h?.stop();
  });

  const authorizeUrl = (params: Record<string, string>): string => {
    const { challenge } = pkcePair();
    return `${url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'memory:read', state: 's', code_challenge: challenge, code_challenge_method: 'S256', resource: `${url}/mcp`, ...params })}`;
  };
  const callMcp = async (token: string): Promise<number> =>
    (await fetch(`${url}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) })).status;
  const signIn = (username = 'alice') => authorize(url, { clientId, scope: 'memory:read', tenant: 'acme', username, password: PASSWORD });

  it('never redirects to a redirect_uri the client did not register (open redirect): an error page instead', async () => {
    for (const redirect of [ATTACKER_URI, `${REDIRECT_URI}/../evil`, `${REDIRECT_URI}?x=1`, REDIRECT_URI.replace('127.0.0.1', 'localhost')]) {
      const response = await new OAuthBrowser().request(authorizeUrl({ redirect_uri: redirect }));
      expect(response.location).toBeUndefined();
      expect(response.status).toBe(400);
      expect(response.body).toContain('redirect_uri');
    }
  });

  it('refuses an authorization request without PKCE or with the plain method', async () => {
    for (const params of [{ code_challenge: '', code_challenge_method: '' }, { code_challenge_method: 'plain', code_challenge: 'x'.repeat(43) }]) {
      const target = new URL(authorizeUrl({}));
      for (const [name, value] of Object.entries(params)) value === '' ? target.searchParams.delete(name) : target.searchParams.set(name, value);
      const response = await new OAuthBrowser().request(target.toString());
      const back = new URL(response.location ?? 'http://none/');
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('code')).toBeNull();
    }
  });

  it('refuses a code presented twice, and revokes what the first exchange issued', async () => {
    const { code, verifier } = await signIn();
    const first = await exchangeCode(url, clientId, code, verifier);
    expect(first.status).toBe(200);
    const again = await exchangeCode(url, clientId, code, verifier);
    expect(again.body.error).toBe('invalid_grant');
    expect((await refresh(url, clientId, first.body.refresh_token!)).body.error).toBe('invalid_grant');
    await until(async () => ((await callMcp(first.body.access_token!)) === 401 ? true : undefined), 2000, 'the first access token refused', 50);
  });

  it('refuses a code without its PKCE verifier, or with another', async () => {
    const { code } = await signIn();
    expect((await tokenRequest(url, { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: REDIRECT_URI })).body.error).toBe('invalid_grant');
    const second = await signIn();
    expect((await exchangeCode(url, clientId, second.code, pkcePair().verifier)).body.error).toBe('invalid_grant');
  });

  it('revokes the whole grant when a rotated refresh token comes back, and records it', async () => {
    const { code, verifier } = await signIn();
    const issued = (await exchangeCode(url, clientId, code, verifier)).body;
    const rotated = (await refresh(url, clientId, issued.refresh_token!)).body;
    expect(rotated.refresh_token).toBeDefined();
    expect((await refresh(url, clientId, issued.refresh_token!)).body.error).toBe('invalid_grant');
    expect((await refresh(url, clientId, rotated.refresh_token!)).body.error).toBe('invalid_grant');
    await until(async () => ((await callMcp(rotated.access_token!)) === 401 ? true : undefined), 1000, 'the grant revoked', 50);
    const grantId = String(claimsOf(rotated.access_token!).grant_id);
    const types: string[] = [];
    for await (const batch of h.store.readAll({ tenantId: 'acme' })) types.push(...batch.filter((event) => event.streamId === `grant-${grantId}`).map((event) => event.type));
    expect(types).toEqual(['GrantIssued', 'GrantRefreshed', 'RefreshTokenReused', 'GrantRevoked']);
  });

  it('takes no consent without the form\'s CSRF token, nor from a browser without the interaction', async () => {
    const browser = new OAuthBrowser();
    let page = await browser.follow(authorizeUrl({ scope: 'memory:read memory:write' }));
    const signInForm = formOf(page.body, page.url, '/sign-in');
    page = await browser.follow(signInForm.action, REDIRECT_URI, { ...signInForm.fields, tenant: 'acme', username: 'alice', password: PASSWORD });
    const consent = formOf(page.body, page.url, '/consent');
    const forged = await browser.request(consent.action, { csrf: 'forged', decision: 'allow', scope: 'memory:write' });
    expect(forged.status).toBe(403);
    expect(forged.location).toBeUndefined();
    const elsewhere = await new OAuthBrowser().request(consent.action, { ...consent.fields, decision: 'allow', scope: 'memory:write' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.location).toBeUndefined();
    // The same form, from the page, goes through: the refusals were the token's and the cookie's doing.
    const done = await browser.follow(consent.action, REDIRECT_URI, { ...consent.fields, decision: 'allow', scope: 'memory:read' });
    expect(new URL(done.url).searchParams.get('code')).toEqual(expect.any(String));
  });

  it('keeps a person of one tenant from consenting for a client bound to another', async () => {
    await identity.artifacts.upsert('Client', 'globex-app', { client_id: 'globex-app', client_name: 'Globex app', tenant_id: 'globex', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }, undefined);
    const browser = new OAuthBrowser();
    let page = await browser.follow(authorizeUrl({ client_id: 'globex-app' }));
    const signInForm = formOf(page.body, page.url, '/sign-in');
    page = await browser.follow(signInForm.action, REDIRECT_URI, { ...signInForm.fields, tenant: 'acme', username: 'alice', password: PASSWORD });
    expect(page.status).toBe(403);
    expect(page.body).toContain('belongs to another organisation');
    expect(page.url).not.toContain('code=');
  });

  it('issues tokens for this resource only', async () => {
    const response = await new OAuthBrowser().request(authorizeUrl({ resource: 'https://other.example/mcp' }));
    expect(new URL(response.location ?? 'http://none/').searchParams.get('error')).toBe('invalid_target');
    const { code, verifier } = await signIn();
    const token = await tokenRequest(url, { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: REDIRECT_URI, resource: 'https://other.example/mcp' });
    expect(token.body.error).toBe('invalid_target');
  });

  it('does not let a self-registered client bind itself to a tenant or use client credentials', async () => {
    for (const metadata of [{ tenant_id: 'acme' }, { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' }]) {
      const response = await fetch(`${url}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [REDIRECT_URI], ...metadata }) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_client_metadata');
    }
  });

  it('refuses malformed and oversized registrations with an OAuth error, not a 5xx', async () => {
    const cases: Array<[string, string]> = [
      ['{not json', 'invalid_request'],
      [JSON.stringify({ redirect_uris: ['javascript:alert(1)'] }), 'invalid_redirect_uri'],
      [JSON.stringify({ redirect_uris: 'not a list' }), 'invalid_redirect_uri'],
      [JSON.stringify({ redirect_uris: [REDIRECT_URI], client_name: 'x'.repeat(70_000) }), 'invalid_request'],
    ];
    for (const [body, error] of cases) {
      const response = await fetch(`${url}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe(error);
    }
  });

  it('fetches no client metadata document from a loopback or link-local address', async () => {
    let connections = 0;
    const listener: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    try {
      for (const documentUrl of [`https://127.0.0.1:${port}/client.json`, 'https://169.254.169.254/latest/meta-data/client.json', `https://localhost:${port}/client.json`]) {
        const response = await new OAuthBrowser().request(authorizeUrl({ client_id: documentUrl }));
        expect(response.status).toBe(400);
        expect(response.body).toContain('invalid_client');
      }
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });

  it('shows the sign-in and consent pages only unframed, without script, and uncached', async () => {
    const page = await new OAuthBrowser().follow(authorizeUrl({}));
    expect(page.body).toContain('/sign-in"');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.body).not.toMatch(/<script|\son[a-z]+=/i);
  });

  it('leaves no password, code or token in the events, the logs, or the identity database', async () => {
    const { code, verifier } = await signIn();
    const tokens = (await exchangeCode(url, clientId, code, verifier)).body;
    leaked.push(PASSWORD, code, tokens.access_token!, tokens.refresh_token!);
    for (const secret of leaked) {
      expect(await scanForSecret(secret, { store: h.store, dataDir: h.platform.dataDir, databaseUrl: undefined, logs: h.platform.output(), extra: [] })).toEqual([]);
    }
  });

  // Last: it leaves this address throttled.
  it('throttles password guessing: the account locks after five failures, the address after ten failures', async () => {
    const guess = async (browser: OAuthBrowser, username: string, password: string): Promise<number> => {
      const page = await browser.follow(authorizeUrl({}));
      const form = formOf(page.body, page.url, '/sign-in');
      return (await browser.request(form.action, { ...form.fields, tenant: 'acme', username, password })).status;
    };
    const browser = new OAuthBrowser();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) statuses.push(await guess(browser, 'mallory', `wrong guess ${attempt}`));
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    // Locked: even the right password is refused now.
    expect(await guess(browser, 'mallory', PASSWORD)).toBe(429);
    // Seven failures so far from this address; three more are allowed, then it is refused whoever signs in.
    const more: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) more.push(await guess(browser, 'nobody', 'wrong'));
    expect(more).toEqual([401, 401, 401, 429]);
    expect(await guess(browser, 'alice', PASSWORD)).toBe(429);
  });
});

/** Client ID Metadata Documents from a host the operator opened (as for development): each bad one refused, a good one served. */
describe('attacks through client metadata documents', () => {
  let h: PlatformHarness;
  let documents: ClientMetadataServer;

  beforeAll(async () => {
    documents = await startClientMetadataServer();
    h = await startPlatformOn('sqlite', { LEDGERLINE_CIMD_PRIVATE_NETWORKS: '127.0.0.1/32', NODE_EXTRA_CA_CERTS: documents.caFile });
  });
  afterAll(async () => {
    await h?.stop();
    await documents?.close();
  });

  const authorizeAs = async (clientId: string): Promise<{ status: number; body: string }> => {
    const { challenge } = pkcePair();
    const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'memory:read', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
    return new OAuthBrowser().follow(`${h.platform.url}/authorize?${query}`);
  };
  const good = { client_name: 'Agent', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };

  it('refuses oversized, malformed, mismatched and over-reaching documents, and serves a good one', async () => {
    const refused: Array<[string, string]> = [
      [documents.publish('/oversized.json', { ...good, client_name: 'x'.repeat(6 * 1024) }), 'invalid_client'],
      [documents.publishRaw('/malformed.json', '{"client_id": '), 'invalid_client'],
      [documents.publishRaw('/list.json', '[1, 2, 3]'), 'invalid_client_metadata'],
      [documents.publishRaw('/mismatch.json', JSON.stringify({ ...good, client_id: 'https://someone-else.example/client.json' })), 'invalid_client_metadata'],
      [documents.publish('/secret.json', { ...good, token_endpoint_auth_method: 'client_secret_basic', client_secret: 'shh' }), 'invalid_client_metadata'],
      [documents.publish('/tenant.json', { ...good, tenant_id: 'acme' }), 'invalid_client_metadata'],
      [documents.publish('/service.json', { ...good, grant_types: ['client_credentials'] }), 'invalid_client_metadata'],
    ];
    for (const [clientId, error] of refused) {
      const page = await authorizeAs(clientId);
      expect([clientId, page.status, page.body.includes(error)]).toEqual([clientId, 400, true]);
      expect(page.body).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
    const served = await authorizeAs(documents.publish('/good.json', good));
    expect(served.status).toBe(200);
    expect(served.body).toContain('/sign-in"');
  });
});
