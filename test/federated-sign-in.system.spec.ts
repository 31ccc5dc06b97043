import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { callOk, connect } from './support/mcp-session.js';
import { formOf, OAuthBrowser } from './support/oauth-browser.js';
import { addUser, authorize, browseAuthorization, claimsOf, cliOn, exchangeCode, REDIRECT_URI, registerClient } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { startPlatform } from './support/platform-process.js';
import { freePort } from './support/processes.js';
import { scanForSecret } from './support/secret-scan.js';
import { until } from './support/until.js';
import { startUpstreamIdp, type UpstreamIdp, type UpstreamUsers } from './support/upstream-idp.js';

const CALLBACK_PATH = '/interaction/callback/oidc';
const SECRET = `upstream-client-secret-${randomBytes(16).toString('hex')}`;
const USERS: UpstreamUsers = {
  carol: { email: 'carol@acme.example', email_verified: true, ledgerline_tenant: 'acme' },
  erin: { email: 'Erin@Globex.example', email_verified: true },
  dave: { email: 'dave@nowhere.example', email_verified: true },
  frank: { email: 'frank@acme.example', email_verified: false },
  gina: { email: 'gina@acme.example', email_verified: true, ledgerline_tenant: 'ghost' },
  hank: { email: 'hank@initech.example', email_verified: true, ledgerline_tenant: 'initech' },
  alice: { email: 'alice@acme.example', email_verified: true },
};

/** The platform and "the company's identity provider" (a second oidc-provider on loopback), the platform registered at it as a confidential client. */
async function startWithUpstream(kind: 'sqlite' | 'postgres', platformEnv: (idp: UpstreamIdp) => Record<string, string>, clients: (callback: string) => Array<{ clientId: string; clientSecret: string }>) {
  const port = await freePort();
  const callback = `http://127.0.0.1:${port}${CALLBACK_PATH}`;
  const idp = await startUpstreamIdp(USERS, clients(callback).map((client) => ({ ...client, redirectUri: callback })));
  const harness = await startPlatformOn(kind, { LEDGERLINE_PORT: String(port), ...platformEnv(idp) });
  return { idp, harness, callback };
}

describe.each(['sqlite', 'postgres'] as const)('sign-in through the company identity provider (%s)', (kind) => {
  let harness: PlatformHarness;
  let idp: UpstreamIdp;
  let url: string;
  let callback: string;
  let platformEnv: Record<string, string>;
  const secretDir = mkdtempSync(join(tmpdir(), 'll-upstream-secret-'));

  beforeAll(async () => {
    const secretFile = join(secretDir, 'client-secret');
    writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
    ({ harness, idp, callback } = await startWithUpstream(kind, (upstream) => (platformEnv = {
      // A second instance on the same database unseals the identity store's keys with the same master key.
      ...(kind === 'postgres' && { LEDGERLINE_MASTER_KEY: randomBytes(32).toString('base64') }),
      LEDGERLINE_OIDC_ISSUER: upstream.issuer,
      LEDGERLINE_OIDC_CLIENT_ID: 'ledgerline',
      // One store reads the secret from a file, the other from the variable: neither may leak it.
      ...(kind === 'sqlite' ? { LEDGERLINE_OIDC_CLIENT_SECRET_FILE: secretFile } : { LEDGERLINE_OIDC_CLIENT_SECRET: SECRET }),
      LEDGERLINE_OIDC_LABEL: 'Sign in with Acme SSO',
      LEDGERLINE_OIDC_SCOPES: 'openid email profile ledgerline',
      LEDGERLINE_OIDC_USER_CLAIM: 'email',
      LEDGERLINE_OIDC_TENANT_CLAIM: 'ledgerline_tenant',
      LEDGERLINE_OIDC_TENANT_DOMAINS: 'acme.example=acme,globex.example=globex',
      LEDGERLINE_LOG_LEVEL: 'debug',
    }), () => [{ clientId: 'ledgerline', clientSecret: SECRET }]));
    url = harness.platform.url;
    for (const tenant of ['acme', 'globex', 'initech']) expect((await cliOn(harness, ['tenants', 'create', tenant, '--name', tenant])).code).toBe(0);
    expect((await cliOn(harness, ['tenants', 'suspend', 'initech', '--reason', 'unpaid invoices'])).code).toBe(0);
    await addUser(harness, 'acme', 'alice@acme.example', 'correct horse battery staple');
  });
  afterAll(async () => {
    await harness?.stop();
    await idp?.stop();
    rmSync(secretDir, { recursive: true, force: true });
  });

  it('an MCP client gets a token for the person the provider verified (user and tenant from its claims) and calls a tool with it', async () => {
    const client = await registerClient(url);
    const signInPage = await new OAuthBrowser().follow(`${url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT_URI, scope: 'memory:read', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`);
    expect(signInPage.body).toContain('>Sign in with Acme SSO</button>');

    const { code, verifier } = await authorize(url, { clientId: client.client_id, scope: 'openid memory:read memory:write', upstream: { login: 'carol' } });
    const token = await exchangeCode(url, client.client_id, code, verifier);
    expect(token.status).toBe(200);
    const claims = claimsOf(token.body.access_token!);
    expect(claims).toMatchObject({ iss: url, aud: `${url}/mcp`, sub: 'carol@acme.example', tenant_id: 'acme', client_id: client.client_id });
    expect(claimsOf((token.body as { id_token?: string }).id_token!)).toMatchObject({ sub: 'acme:carol@acme.example', amr: ['fed'] });
    const mcp = await connect(harness.platform, token.body.access_token!);
    try {
      await callOk(mcp, 'memory_put', { key: 'greeting', value: 'hello from SSO' });
    } finally {
      await mcp.close();
    }

    const acme = await collect(harness.store.readAll({ tenantId: 'acme' }));
    expect(acme.find((event) => event.type === 'SignInSucceeded')).toMatchObject({ streamId: 'sign-in-carol@acme.example', data: { userId: 'carol@acme.example', method: 'oidc', clientId: client.client_id } });
    expect(acme.find((event) => event.type.startsWith('Memory'))?.metadata).toMatchObject({ userId: 'carol@acme.example', clientId: client.client_id, grantId: claims.grant_id });

    // No tenant claim: the verified email's domain picks the tenant; the address is compared without case.
    const erin = await authorize(url, { clientId: client.client_id, scope: 'memory:read', upstream: { login: 'erin' } });
    expect(claimsOf((await exchangeCode(url, client.client_id, erin.code, erin.verifier)).body.access_token!)).toMatchObject({ sub: 'erin@globex.example', tenant_id: 'globex' });
  });

  it.each([
    ['dave', 'no tenant maps to the email domain', /is not linked to an organisation in Ledgerline/, undefined],
    ['frank', 'the provider did not verify the email', /has not verified your email address/, undefined],
    ['gina', 'the tenant claim names no registered tenant', /Your organisation is not set up in Ledgerline/, undefined],
    ['hank', 'the tenant is suspended', /Your organisation is suspended in Ledgerline/, 'initech'],
    ['alice', 'the tenant has a local account of that name', /alice@acme.example in acme signs in with a Ledgerline password, not through Acme SSO/, 'acme'],
  ])('refuses %s (%s) with a page and SignInFailed, and grants nothing', async (login, _why, text, tenant) => {
    const client = await registerClient(url);
    const grantsBefore = (await collect(harness.store.readAll())).filter((event) => event.type === 'GrantIssued').length;
    const { page, browser } = await browseAuthorization(url, { clientId: client.client_id, scope: 'memory:read', upstream: { login } });
    expect(page.status).toBe(403);
    expect(page.url.startsWith(callback)).toBe(true);
    expect(page.body).toMatch(text);
    // The way back to the sign-in page opens for this browser only (its interaction cookie), to sign in another way.
    const back = /<a href="([^"]+)">Back to the sign-in page<\/a>/.exec(page.body)![1]!;
    expect((await browser.follow(new URL(back, url).href)).body).toContain('/sign-in"');
    const events = await collect(harness.store.readAll());
    const refusal = events.filter((event) => event.type === 'SignInFailed').at(-1);
    expect(refusal).toMatchObject({ tenantId: tenant ?? 'ledgerline-platform', data: { userId: `${login}@${USERS[login]!.email.split('@')[1]!.toLowerCase()}`, method: 'oidc', reason: 'upstream_refused', clientId: client.client_id } });
    expect(events.filter((event) => event.type === 'GrantIssued')).toHaveLength(grantsBefore);
  });

  it('refuses a forged state, a return brought to another browser, and a replay; the starting browser still finishes', async () => {
    const forged = await new OAuthBrowser().request(`${callback}?code=stolen&state=${randomBytes(16).toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('expired, was already completed, or was started in another browser');

    const client = await registerClient(url);
    const starter = new OAuthBrowser();
    const { page: paused, verifier } = await browseAuthorization(url, { clientId: client.client_id, scope: 'memory:read', upstream: { login: 'carol' }, browser: starter, pauseAt: callback });
    const returnUrl = paused.url;
    expect(new URL(returnUrl).searchParams.get('code')).toEqual(expect.any(String));
    // An attacker's sign-in, its return opened by someone else's browser: nothing to finish there.
    expect((await new OAuthBrowser().request(returnUrl)).status).toBe(400);

    const consent = await starter.follow(returnUrl, REDIRECT_URI);
    expect(consent.body).toContain('/consent"');
    const form = formOf(consent.body, consent.url, '/consent');
    const done = await starter.follow(form.action, REDIRECT_URI, { ...form.fields, decision: 'allow', scope: ['memory:read'] });
    const code = new URL(done.url).searchParams.get('code')!;
    expect((await exchangeCode(url, client.client_id, code, verifier)).body.access_token).toEqual(expect.any(String));
    expect((await starter.request(returnUrl)).status).toBe(400);
  });

  /** Carol signs in while the provider's ID tokens are changed (and re-signed with its key) by `tamper`: the platform must refuse them. */
  async function expectUnverifiable(clientId: string, scope: string, tamper: NonNullable<UpstreamIdp['tamperIdToken']>): Promise<void> {
    idp.tamperIdToken = tamper;
    try {
      const { page } = await browseAuthorization(url, { clientId, scope, upstream: { login: 'carol' } });
      expect(page.status).toBe(403);
      expect(page.body).toContain('sent an answer Ledgerline could not verify');
    } finally {
      idp.tamperIdToken = undefined;
    }
  }

  if (kind === 'postgres') {
    it('finishes a sign-in whose return lands on another instance (the pending sign-in and the interaction live in the shared store)', async () => {
      const other = await startPlatform({ ...platformEnv, LEDGERLINE_EVENT_STORE: 'postgres', DATABASE_URL: harness.databaseUrl!, LEDGERLINE_ROLE: 'api', LEDGERLINE_PUBLIC_URL: url });
      try {
        const client = await registerClient(url);
        const starter = new OAuthBrowser();
        const { page: paused, verifier } = await browseAuthorization(url, { clientId: client.client_id, scope: 'memory:read', upstream: { login: 'carol' }, browser: starter, pauseAt: callback });
        // The load balancer sends the return to the other instance, with the browser's cookies for the public origin.
        const atOther = await fetch(paused.url.replace(url, other.url), { headers: { cookie: starter.cookieHeader(url) }, redirect: 'manual' });
        expect(atOther.status).toBe(303);
        const resume = atOther.headers.get('location')!;
        expect(resume).toMatch(new RegExp(`^${url}/authorize/`));
        const consent = await starter.follow(resume, REDIRECT_URI);
        const form = formOf(consent.body, consent.url, '/consent');
        const done = await starter.follow(form.action, REDIRECT_URI, { ...form.fields, decision: 'allow', scope: ['memory:read'] });
        const token = await exchangeCode(url, client.client_id, new URL(done.url).searchParams.get('code')!, verifier);
        expect(claimsOf(token.body.access_token!)).toMatchObject({ sub: 'carol@acme.example', tenant_id: 'acme' });
      } finally {
        await other.stop();
        expect(other.output()).not.toContain(SECRET);
      }
    });
  }

  it('refuses an ID token the provider issued for another audience (openid-client checks aud)', async () => {
    const client = await registerClient(url);
    const succeededBefore = (await collect(harness.store.readAll({ tenantId: 'acme' }))).filter((event) => event.type === 'SignInSucceeded').length;
    await expectUnverifiable(client.client_id, 'memory:read', (payload) => ({ ...payload, aud: 'another-application' }));
    expect((await collect(harness.store.readAll({ tenantId: 'acme' }))).filter((event) => event.type === 'SignInSucceeded')).toHaveLength(succeededBefore);
    await until(() => (/upstream sign-in through default failed: .*aud/.test(harness.platform.output()) ? true : undefined), 5000, 'the failed check in the log');
  });

  it('asks the provider for a sign-in at most LEDGERLINE_SENSITIVE_MAX_AGE_SECONDS old when sensitive scopes are asked, and holds it to that (auth_time)', async () => {
    const client = await registerClient(url);
    await authorize(url, { clientId: client.client_id, scope: 'memory:read', upstream: { login: 'carol' } });
    expect(idp.authorizationRequests.at(-1)!.has('max_age')).toBe(false);
    const sensitive = await authorize(url, { clientId: client.client_id, scope: 'connectors:admin', upstream: { login: 'carol' } });
    expect(idp.authorizationRequests.at(-1)!.get('max_age')).toBe('300');
    expect(claimsOf((await exchangeCode(url, client.client_id, sensitive.code, sensitive.verifier)).body.access_token!)).toMatchObject({ sub: 'carol@acme.example', scope: 'connectors:admin' });
    await expectUnverifiable(client.client_id, 'connectors:admin', (payload) => ({ ...payload, auth_time: Number(payload.auth_time) - 3600 }));
  });

  it('keeps the upstream client secret and the provider\'s tokens out of the output, the events and the stores', async () => {
    expect(idp.issuedTokens.length).toBeGreaterThan(4);
    const targets = { store: harness.store, dataDir: harness.platform.dataDir, databaseUrl: harness.databaseUrl, logs: harness.platform.output(), extra: {} };
    expect(await scanForSecret(SECRET, targets)).toEqual([]);
    for (const token of idp.issuedTokens) expect(await scanForSecret(token, targets)).toEqual([]);
  });
});

describe('several providers from LEDGERLINE_OIDC_PROVIDERS_FILE, each bound to its tenant (sqlite)', () => {
  let harness: PlatformHarness;
  let idp: UpstreamIdp;
  const dir = mkdtempSync(join(tmpdir(), 'll-upstream-providers-'));

  // The unreachable provider: a port held for the whole test whose every connection is cut at once.
  const unreachable = createServer((socket) => socket.destroy());

  beforeAll(async () => {
    await new Promise<void>((resolve) => unreachable.listen(0, '127.0.0.1', resolve));
    const unreachablePort = (unreachable.address() as AddressInfo).port;
    ({ harness, idp } = await startWithUpstream('sqlite', (upstream) => {
      const providers = [
        { id: 'down', label: 'Sign in with Initech SSO', issuer: `http://127.0.0.1:${unreachablePort}`, clientId: 'x', clientSecret: SECRET, tenant: 'initech' },
        { id: 'acme', label: 'Sign in with Acme SSO', issuer: upstream.issuer, clientId: 'ledgerline-acme', clientSecret: SECRET, scopes: 'openid email', tenant: 'acme' },
        { id: 'globex', label: 'Sign in with Globex SSO', issuer: upstream.issuer, clientId: 'ledgerline-globex', clientSecret: `${SECRET}-globex`, tenant: 'globex' },
      ];
      writeFileSync(join(dir, 'providers.json'), JSON.stringify(providers));
      return { LEDGERLINE_OIDC_PROVIDERS_FILE: join(dir, 'providers.json') };
    }, () => [{ clientId: 'ledgerline-acme', clientSecret: SECRET }, { clientId: 'ledgerline-globex', clientSecret: `${SECRET}-globex` }]));
    for (const tenant of ['acme', 'globex']) expect((await cliOn(harness, ['tenants', 'create', tenant, '--name', tenant])).code).toBe(0);
  });
  afterAll(async () => {
    await harness?.stop();
    await idp?.stop();
    unreachable.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a button per provider; a provider of one tenant signs people into that tenant whatever its tokens claim', async () => {
    const client = await registerClient(harness.platform.url);
    const viaGlobex = await authorize(harness.platform.url, { clientId: client.client_id, scope: 'memory:read', upstream: { login: 'carol', provider: 'globex' } });
    const token = await exchangeCode(harness.platform.url, client.client_id, viaGlobex.code, viaGlobex.verifier);
    expect(claimsOf(token.body.access_token!)).toMatchObject({ sub: 'carol', tenant_id: 'globex' });
    const viaAcme = await authorize(harness.platform.url, { clientId: client.client_id, scope: 'memory:read', upstream: { login: 'carol', provider: 'acme' } });
    expect(claimsOf((await exchangeCode(harness.platform.url, client.client_id, viaAcme.code, viaAcme.verifier)).body.access_token!)).toMatchObject({ sub: 'carol', tenant_id: 'acme' });
  });

  it('answers 503 with a page, at once, when a provider cannot be reached (the platform started without it all the same)', async () => {
    const client = await registerClient(harness.platform.url);
    const started = Date.now();
    const { page } = await browseAuthorization(harness.platform.url, { clientId: client.client_id, scope: 'memory:read', upstream: { login: 'carol', provider: 'down' } });
    expect(page.status).toBe(503);
    expect(page.body).toContain('Initech SSO cannot be reached at the moment');
    expect(Date.now() - started).toBeLessThan(5000);
    await until(() => (/cannot read the discovery document of http:\/\/127\.0\.0\.1:\d+: fetch failed/.test(harness.platform.output()) ? true : undefined), 5000, 'the unreachable provider in the log');
  });
});
