import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { DEFAULT_SENSITIVE_SCOPES, scopePolicy } from '../libs/identity/src/provider/scope-policy.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { OAuthBrowser } from './support/oauth-browser.js';
import { addUser, authorize, claimsOf, exchangeCode, REDIRECT_URI, registerClient, tokenRequest } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { startPlatform } from './support/platform-process.js';
import { rest } from './support/rest.js';
import { scanForSecret } from './support/secret-scan.js';
import { until } from './support/until.js';

const PASSWORD = 'correct horse battery staple';

interface Delegated {
  token: string;
  grantId: string;
}

interface Page {
  grants: Array<{ grantId: string; userId: string; clientId: string; clientName: string | null; scopes: string[]; lastUsedAt: string | null; lifetimes: { accessTokenSeconds: number; grantSeconds: number } }>;
  nextCursor: string | null;
}

/**
 * Delegations end to end on both stores: people list and revoke their own grants (MCP and REST),
 * tenant admins every grant of their tenant; nothing of another person or tenant is reachable or
 * revealed, and a refused request appends nothing.
 */
describe.each(['sqlite', 'postgres'] as const)('delegations (%s)', (kind) => {
  let h: PlatformHarness;
  let url: string;
  const clients: Client[] = [];

  // One browser per person: each signs in once (sign-ins from one address are throttled), and a
  // client of its own for each delegation makes each a grant of its own.
  const browsers = new Map<string, OAuthBrowser>();
  const delegate = async (tenant: string, username: string, scope: string, clientId?: string): Promise<Delegated & { clientId: string }> => {
    clientId ??= (await registerClient(url, { client_name: 'Test agent' })).client_id;
    const browser = browsers.get(`${tenant}:${username}`) ?? new OAuthBrowser();
    browsers.set(`${tenant}:${username}`, browser);
    const { code, verifier } = await authorize(url, { clientId, scope, tenant, username, password: PASSWORD, browser });
    const answer = await exchangeCode(url, clientId, code, verifier);
    if (answer.status !== 200) throw new Error(`token: ${JSON.stringify(answer.body)}`);
    return { token: answer.body.access_token!, grantId: String(claimsOf(answer.body.access_token!).grant_id), clientId };
  };
  const mcp = async (token: string): Promise<Client> => {
    const client = await connect(h.platform, token);
    clients.push(client);
    return client;
  };
  const status = async (token: string): Promise<number> => (await rest(url, 'GET', '/v1/grants', token)).status;
  const events = async (tenant: string, after = 0): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: tenant, after }));
  /** Every client secret handed out, and the logs of a second instance, for the scan at the end. */
  const secrets: string[] = [];
  let secondLogs = '';
  const serviceToken = (clientId: string, secret: string, scope: string) =>
    tokenRequest(url, { grant_type: 'client_credentials', scope, resource: `${url}/mcp` }, { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` });
  const heads = async () => Promise.all(['acme', 'globex'].map((tenant) => h.store.committedPosition(tenant)));

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    url = h.platform.url;
    await addUser(h, 'acme', 'alice', PASSWORD);
    await addUser(h, 'acme', 'bob', PASSWORD);
    await addUser(h, 'globex', 'carol', PASSWORD);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await h?.stop();
  });

  it('a person lists their own grants and revokes one (MCP and REST): GrantRevoked revoked_by_user, its token refused within a second', async () => {
    const own = await delegate('acme', 'alice', 'grants:manage memory:read');
    const first = await delegate('acme', 'alice', 'memory:read');
    const second = await delegate('acme', 'alice', 'grants:manage');
    await delegate('acme', 'bob', 'memory:read');
    const alice = await mcp(own.token);

    const listed = await callOk<Page>(alice, 'grant_list', {});
    expect(listed.grants.map((grant) => grant.grantId).sort()).toEqual([own.grantId, first.grantId, second.grantId].sort());
    expect(listed.grants.find((grant) => grant.grantId === first.grantId)).toMatchObject({ userId: 'alice', clientId: first.clientId, clientName: 'Test agent', scopes: ['memory:read'] });
    // The same answer, but for the caller's own grant: listing over REST is a newer use of it.
    const sansOwnUse = (page: Page) => page.grants.map((grant) => (grant.grantId === own.grantId ? { ...grant, lastUsedAt: 'used' } : grant));
    const viaRestList = (await rest(url, 'GET', '/v1/grants', own.token)).body as unknown as Page;
    expect(sansOwnUse(viaRestList)).toEqual(sansOwnUse(listed));
    expect(viaRestList.nextCursor).toBe(listed.nextCursor);

    expect(await status(first.token)).toBe(403); // alive, but it lacks grants:manage
    const before = await h.store.committedPosition('acme');
    const revoked = await callOk(alice, 'grant_revoke', { grantId: first.grantId });
    expect(revoked).toMatchObject({ grantId: first.grantId, userId: 'alice', clientId: first.clientId });
    const started = Date.now();
    await until(async () => ((await status(first.token)) === 401 ? true : undefined), 1000, 'the revoked grant refused', 50);
    expect(Date.now() - started).toBeLessThan(1000);
    const trail = (await events('acme', before)).filter((event) => event.streamId === `grant-${first.grantId}`);
    expect(trail.map((event) => [event.type, (event.data as { reason?: string }).reason, event.metadata.tool])).toEqual([['GrantRevoked', 'revoked_by_user', 'grant_revoke']]);

    const viaRest = await rest(url, 'DELETE', `/v1/grants/${second.grantId}`, own.token);
    expect(viaRest.status).toBe(200);
    await until(async () => ((await status(second.token)) === 401 ? true : undefined), 1000, 'the grant revoked over REST refused', 50);
    expect((await callOk<Page>(alice, 'grant_list', {})).grants.map((grant) => grant.grantId)).toEqual([own.grantId]);
  });

  it("shows when each grant was last used (to within a minute, null before) and its lifetimes from the scope policy; another tenant's use stays there", async () => {
    const policy = scopePolicy({ sensitive: DEFAULT_SENSITIVE_SCOPES, lifetimes: new Map() });
    const used = await delegate('acme', 'alice', 'grants:manage memory:read');
    const unused = await delegate('acme', 'alice', 'memory:read');
    const carols = await delegate('globex', 'carol', 'memory:read');
    const started = Date.now();
    await callOk<Page>(await mcp(used.token), 'grant_list', {});
    expect(await status(carols.token)).toBe(403); // a use in globex, refused only for its scope

    // A dev token has no grant: listing with it uses none, so what shows is the MCP call's.
    const listed = ((await rest(url, 'GET', '/v1/grants', h.issuer.mint({ tenantId: 'acme', userId: 'alice', scopes: ['grants:manage'] }))).body as unknown as Page).grants;
    const usedRow = listed.find((grant) => grant.grantId === used.grantId)!;
    const unusedRow = listed.find((grant) => grant.grantId === unused.grantId)!;
    const lastUsed = Date.parse(usedRow.lastUsedAt!);
    expect(lastUsed).toBeGreaterThanOrEqual(started - 1000);
    expect(lastUsed).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - lastUsed).toBeLessThan(60_000);
    expect(unusedRow.lastUsedAt).toBeNull();
    expect(usedRow.lifetimes).toEqual(policy.lifetimeOfAll(['grants:manage', 'memory:read']));
    expect(usedRow.lifetimes).toEqual({ accessTokenSeconds: 900, grantSeconds: 7 * 86_400 });
    expect(unusedRow.lifetimes).toEqual({ accessTokenSeconds: 3600, grantSeconds: 30 * 86_400 });

    const globexAdmin = h.issuer.mint({ tenantId: 'globex', userId: 'admin', scopes: ['grants:admin'] });
    const globex = ((await rest(url, 'GET', '/v1/admin/grants', globexAdmin)).body as unknown as Page).grants;
    expect(globex.map((grant) => grant.grantId)).not.toContain(used.grantId);
    expect(Date.parse(globex.find((grant) => grant.grantId === carols.grantId)!.lastUsedAt!)).toBeGreaterThanOrEqual(started - 1000);
    const acmeAdmin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['grants:admin'] });
    expect(((await rest(url, 'GET', '/v1/admin/grants?limit=200', acmeAdmin)).body as unknown as Page).grants.map((grant) => grant.grantId)).not.toContain(carols.grantId);
  });

  it("another person's or tenant's grant is not found and stays alive; a malformed id is refused; nothing is appended", async () => {
    const alice = await delegate('acme', 'alice', 'grants:manage');
    const bobs = await delegate('acme', 'bob', 'memory:read');
    const carols = await delegate('globex', 'carol', 'memory:read');
    const session = await mcp(alice.token);
    const before = await heads();
    for (const grantId of [bobs.grantId, carols.grantId, 'no-such-grant']) {
      expect(errorOf(await session.callTool({ name: 'grant_revoke', arguments: { grantId } }))).toMatchObject({ code: 'identity.grant.not_found', kind: 'not_found' });
      const answer = await rest(url, 'DELETE', `/v1/grants/${grantId}`, alice.token);
      expect([answer.status, (answer.body.error as { code: string }).code]).toEqual([404, 'identity.grant.not_found']);
    }
    expect(errorOf(await session.callTool({ name: 'grant_revoke', arguments: { grantId: 'bad id!' } }))).toMatchObject({ code: 'tool.invalid_arguments' });
    for (const path of ['/v1/grants/bad%20id!', `/v1/grants/${'x'.repeat(65)}`]) {
      expect((await rest(url, 'DELETE', path, alice.token)).body).toMatchObject({ error: { code: 'identity.grant.invalid_id' } });
    }
    for (const query of ['limit=0', 'limit=201', 'cursor=%2A%2A', 'user=bob', 'limit=1&limit=2']) {
      const answer = await rest(url, 'GET', `/v1/grants?${query}`, alice.token);
      expect([query, answer.status]).toEqual([query, 400]);
      expect((answer.body.error as { code: string }).code).toMatch(/^identity\.grant\.invalid_(filter|cursor)$/);
    }
    expect(await heads()).toEqual(before);
    // Still alive: a verified token without grants:manage is 403, a revoked one would be 401.
    expect([await status(bobs.token), await status(carols.token)]).toEqual([403, 403]);
    const listedByBob = await rest(url, 'GET', '/v1/grants', h.issuer.mint({ tenantId: 'acme', userId: 'bob', scopes: ['grants:manage'] }));
    expect((listedByBob.body as unknown as Page).grants.map((grant) => grant.grantId)).toContain(bobs.grantId);
    const alicesView = JSON.stringify([(await rest(url, 'GET', '/v1/grants', alice.token)).body, await callOk(session, 'grant_list', {})]);
    expect(alicesView).toContain(alice.grantId);
    for (const other of [bobs.grantId, carols.grantId]) expect(alicesView).not.toContain(other);
    expect(errorOf(await session.callTool({ name: 'grant_list', arguments: { limit: 0 } }))).toMatchObject({ code: 'tool.invalid_arguments' });
    expect(errorOf(await session.callTool({ name: 'grant_list', arguments: { cursor: 'not-a-cursor' } }))).toMatchObject({ code: 'identity.grant.invalid_cursor' });
    expect(await heads()).toEqual(before);
  });

  it("a tenant admin pages through every grant of the tenant, by person and client, and revokes any (revoked_by_admin); another tenant's stays out of reach", async () => {
    const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['grants:admin'] });
    const bobs = await delegate('acme', 'bob', 'memory:read');
    const carols = await delegate('globex', 'carol', 'memory:read');
    const seen: Page['grants'] = [];
    let cursor: string | null = null;
    do {
      const answer = await rest(url, 'GET', `/v1/admin/grants?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin);
      expect(answer.status).toBe(200);
      const page = answer.body as unknown as Page;
      expect(page.grants.length).toBeLessThanOrEqual(2);
      seen.push(...page.grants);
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await rest(url, 'GET', '/v1/admin/grants?limit=200', admin)).body as unknown as Page;
    expect(seen).toEqual(all.grants);
    expect(new Set(seen.map((grant) => grant.userId))).toEqual(new Set(['alice', 'bob']));
    expect(seen.map((grant) => grant.grantId)).not.toContain(carols.grantId);
    const bobsOnly = (await rest(url, 'GET', '/v1/admin/grants?user=bob', admin)).body as unknown as Page;
    expect(bobsOnly.grants.length).toBeGreaterThan(0);
    expect(bobsOnly.grants.every((grant) => grant.userId === 'bob')).toBe(true);
    expect(((await rest(url, 'GET', `/v1/admin/grants?client=${encodeURIComponent('someone-else')}`, admin)).body as unknown as Page).grants).toEqual([]);
    expect(((await rest(url, 'GET', `/v1/admin/grants?client=${encodeURIComponent(bobs.clientId)}`, admin)).body as unknown as Page).grants.map((grant) => grant.grantId)).toEqual([bobs.grantId]);

    const before = await heads();
    expect((await rest(url, 'DELETE', `/v1/admin/grants/${carols.grantId}`, admin)).status).toBe(404);
    expect((await rest(url, 'GET', '/v1/admin/grants?tenant=globex', admin)).status).toBe(400);
    expect(await heads()).toEqual(before);
    expect((await rest(url, 'DELETE', `/v1/admin/grants/${bobs.grantId}`, admin)).body).toMatchObject({ grantId: bobs.grantId, userId: 'bob' });
    const revoked = (await events('acme', before[0])).find((event) => event.type === 'GrantRevoked');
    expect(revoked).toMatchObject({ data: { grantId: bobs.grantId, userId: 'bob', revokedBy: 'admin', reason: 'revoked_by_admin' }, metadata: { userId: 'admin', tool: 'rest:DELETE /v1/admin/grants/:id' } });
    await until(async () => ((await rest(url, 'GET', '/v1/memory/retention', bobs.token)).status === 401 ? true : undefined), 1000, "bob's revoked grant refused", 50);
    expect((await rest(url, 'GET', '/v1/admin/grants', h.issuer.mint({ tenantId: 'acme', userId: 'alice', scopes: ['grants:manage'] }))).status).toBe(403);
  });

  it('a tenant admin registers a service principal (its secret once): it acts for the tenant with client credentials, within its scopes only', async () => {
    const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['clients:admin', 'memory:read', 'memory:write'] });
    const globexHead = await h.store.committedPosition('globex');
    const registered = await rest(url, 'POST', '/v1/admin/clients', admin, { name: 'Nightly reconciler', kind: 'service', scopes: ['memory:read', 'memory:write'] }, { 'x-request-id': 'register-svc-1' });
    expect(registered.status).toBe(201);
    const { clientId, clientSecret } = registered.body as { clientId: string; clientSecret: string };
    secrets.push(clientSecret);
    expect(registered.body).toMatchObject({ kind: 'service', tenantId: 'acme', scopes: ['memory:read', 'memory:write'], disabled: false });
    const listed = await rest(url, 'GET', '/v1/admin/clients', admin);
    expect(listed.body.clients).toContainEqual(expect.objectContaining({ clientId, name: 'Nightly reconciler' }));
    expect(listed.text).not.toContain(clientSecret);
    const trail = (await events('acme')).filter((event) => event.streamId === `client-${clientId}`);
    expect(trail).toEqual([expect.objectContaining({ type: 'ClientRegistered', data: expect.objectContaining({ method: 'admin', clientName: 'Nightly reconciler' }), metadata: expect.objectContaining({ userId: 'admin', correlationId: 'register-svc-1' }) })]);

    const token = await serviceToken(clientId, clientSecret, 'memory:read memory:write audit:read platform:admin');
    expect(token.status).toBe(200);
    const claims = claimsOf(token.body.access_token!);
    expect(claims).toMatchObject({ tenant_id: 'acme', sub: clientId, client_id: clientId, aud: `${url}/mcp` });
    expect(claims).not.toHaveProperty('grant_id');
    expect(String(claims.scope).split(' ').sort()).toEqual(['memory:read', 'memory:write']);
    expect((await serviceToken(clientId, `${clientSecret}x`, 'memory:read')).body.error).toBe('invalid_client');

    const robot = await mcp(token.body.access_token!);
    expect((await robot.listTools()).tools.map((tool) => tool.name)).not.toContain('audit_query');
    const before = await h.store.committedPosition('acme');
    await callOk(robot, 'memory_put', { key: 'last-run', value: 'ok' });
    expect((await events('acme', before)).map((event) => [event.type, event.metadata.userId, event.metadata.clientId])).toEqual([['MemoryItemPut', clientId, clientId]]);
    expect(await h.store.committedPosition('globex')).toBe(globexHead);
    expect((await rest(url, 'GET', '/v1/admin/grants', token.body.access_token!)).status).toBe(403);
  });

  it('binds an interactive client a tenant admin registered to its tenant and its scopes', async () => {
    const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['clients:admin', 'memory:read'] });
    const app = (await rest(url, 'POST', '/v1/admin/clients', admin, { name: 'Desk', kind: 'interactive', scopes: ['memory:read'], redirectUris: [REDIRECT_URI] })).body as { clientId: string };
    const granted = await delegate('acme', 'alice', 'offline_access memory:read memory:write', app.clientId);
    expect(claimsOf(granted.token).scope).toBe('memory:read');
    await expect(delegate('globex', 'carol', 'memory:read', app.clientId)).rejects.toThrow(/another organisation/);
  });

  it('refuses bad registrations with a typed error, registering and appending nothing', async () => {
    const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['clients:admin', 'memory:read'] });
    const count = async () => ((await rest(url, 'GET', '/v1/admin/clients', admin)).body.clients as unknown[]).length;
    const [before, clientsBefore] = [await heads(), await count()];
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ name: 'x', kind: 'service', scopes: ['memory:sing'] }, 400, 'identity.client.unknown_scope'],
      [{ name: 'x', kind: 'service', scopes: ['memory:write'] }, 403, 'identity.client.scope_not_held'],
      [{ name: 'x', kind: 'service', scopes: ['platform:admin'] }, 400, 'identity.client.scope_not_allowed'],
      [{ name: 'x', kind: 'service' }, 400, 'identity.client.scopes_required'],
      [{ name: 'x', kind: 'service', scopes: ['memory:read'], redirectUris: [REDIRECT_URI] }, 400, 'identity.client.redirect_uri_not_allowed'],
      [{ name: 'x', kind: 'interactive', scopes: ['memory:read'] }, 400, 'identity.client.redirect_uri_required'],
      [{ name: 'x', kind: 'interactive', redirectUris: ['http://evil.example/cb'] }, 400, 'identity.client.invalid_redirect_uri'],
      [{ name: '', kind: 'service', scopes: ['memory:read'] }, 400, 'identity.client.invalid_name'],
      [{ name: 'x', kind: 'robot', scopes: ['memory:read'] }, 400, 'request.invalid'],
      [{ name: 'x', kind: 'service', scopes: ['memory:read'], tenantId: 'globex' }, 400, 'request.invalid'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await rest(url, 'POST', '/v1/admin/clients', admin, body);
      expect([body, answer.status, (answer.body.error as { code?: string } | undefined)?.code]).toEqual([body, status, code]);
    }
    expect(await heads()).toEqual(before);
    expect(await count()).toBe(clientsBefore);
    expect((await rest(url, 'POST', '/v1/admin/clients', h.issuer.mint({ tenantId: 'acme', userId: 'alice', scopes: ['grants:admin', 'memory:read'] }), { name: 'x', kind: 'service', scopes: ['memory:read'] })).status).toBe(403);
  });

  it("disabling one of the tenant's own clients stops it everywhere: ClientDisabled, its tokens refused within a second, the token endpoint refuses it", async () => {
    const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['clients:admin', 'grants:admin', 'memory:read'] });
    const service = (await rest(url, 'POST', '/v1/admin/clients', admin, { name: 'Exporter', kind: 'service', scopes: ['memory:read'] })).body as { clientId: string; clientSecret: string };
    secrets.push(service.clientSecret);
    const token = (await serviceToken(service.clientId, service.clientSecret, 'memory:read')).body.access_token!;
    expect(await status(token)).toBe(403);
    const before = await h.store.committedPosition('acme');
    const disabled = await rest(url, 'POST', `/v1/admin/clients/${service.clientId}/disable`, admin, { reason: 'rotated out' });
    expect([disabled.status, disabled.body]).toEqual([200, expect.objectContaining({ clientId: service.clientId, blocked: 'everywhere', grantsRevoked: 0 })]);
    const started = Date.now();
    await until(async () => ((await status(token)) === 401 ? true : undefined), 1000, 'the disabled client refused', 50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await serviceToken(service.clientId, service.clientSecret, 'memory:read')).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect((await events('acme', before)).map((event) => [event.type, event.streamId, event.data])).toEqual([
      ['ClientDisabled', `client-${service.clientId}`, { clientId: service.clientId, reason: 'rotated out', blocked: 'everywhere', grantsRevoked: 0 }],
    ]);
    expect((await rest(url, 'GET', '/v1/admin/clients', admin)).body.clients).toContainEqual(expect.objectContaining({ clientId: service.clientId, disabled: true }));
    const again = await rest(url, 'POST', `/v1/admin/clients/${service.clientId}/disable`, admin, { reason: 'again' });
    expect([again.status, (again.body.error as { code: string }).code]).toEqual([409, 'identity.client.already_disabled']);
    expect(await events('acme', before)).toHaveLength(1);
  });

  it('disabling a client anyone may use touches the tenant only: its grants there revoked (client_disabled), consent refused there; another tenant keeps it', async () => {
    const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['grants:admin'] });
    const shared = (await registerClient(url, { client_name: 'Shared agent' })).client_id;
    const alices = await delegate('acme', 'alice', 'grants:manage', shared);
    const carols = await delegate('globex', 'carol', 'memory:read', shared);
    const before = await h.store.committedPosition('acme');
    const disabled = await rest(url, 'POST', `/v1/admin/clients/${encodeURIComponent(shared)}/disable`, admin, { reason: 'not approved here' });
    expect(disabled.body).toMatchObject({ clientId: shared, blocked: 'this_tenant', grantsRevoked: 1 });
    await until(async () => ((await status(alices.token)) === 401 ? true : undefined), 1000, "the tenant's grant of the disabled client refused", 50);
    expect((await events('acme', before)).map((event) => [event.type, (event.data as { reason?: string }).reason])).toEqual([['GrantRevoked', 'client_disabled'], ['ClientDisabled', 'not approved here']]);
    await expect(delegate('acme', 'alice', 'memory:read', shared)).rejects.toThrow(/acme has disabled this application/);
    expect(await status(carols.token)).toBe(403);
    expect((await delegate('globex', 'carol', 'grants:manage', shared)).token).toEqual(expect.any(String));
  });

  it("refuses bad disables and another tenant's client with a typed error, appending nothing", async () => {
    const globexAdmin = h.issuer.mint({ tenantId: 'globex', userId: 'root', scopes: ['clients:admin', 'memory:read'] });
    const theirs = (await rest(url, 'POST', '/v1/admin/clients', globexAdmin, { name: 'Their robot', kind: 'service', scopes: ['memory:read'] })).body as { clientId: string; clientSecret: string };
    secrets.push(theirs.clientSecret);
    const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['grants:admin'] });
    const before = await heads();
    const cases: Array<[string, unknown, number, string]> = [
      [theirs.clientId, { reason: 'x' }, 404, 'identity.client.not_found'],
      ['no-such-client', { reason: 'x' }, 404, 'identity.client.not_found'],
      [theirs.clientId, { reason: ' ' }, 400, 'identity.client.invalid_reason'],
      [theirs.clientId, {}, 400, 'request.invalid'],
      ['x'.repeat(2049), { reason: 'x' }, 400, 'identity.client.invalid_id'],
    ];
    for (const [clientId, body, code, error] of cases) {
      const answer = await rest(url, 'POST', `/v1/admin/clients/${encodeURIComponent(clientId)}/disable`, admin, body);
      expect([clientId.slice(0, 20), answer.status, (answer.body.error as { code?: string } | undefined)?.code]).toEqual([clientId.slice(0, 20), code, error]);
    }
    expect((await rest(url, 'POST', `/v1/admin/clients/${theirs.clientId}/disable`, h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['clients:admin'] }), { reason: 'x' })).status).toBe(403);
    expect(await heads()).toEqual(before);
    expect((await serviceToken(theirs.clientId, theirs.clientSecret, 'memory:read')).status).toBe(200);
    const acmeClients = await rest(url, 'GET', '/v1/admin/clients', h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['clients:admin'] }));
    expect(acmeClients.text).not.toContain(theirs.clientId);
  });

  // Two instances share a database only in scale-out: this one exists on PostgreSQL alone (not skipped on SQLite: not there).
  if (kind === 'postgres') it('holds a revocation and a disable made on one instance on another within a second', async () => {
    // A second API process on the same database, keys and public URL, as a scale-out deployment runs them.
    const second = await startPlatform({ LEDGERLINE_EVENT_STORE: 'postgres', DATABASE_URL: h.databaseUrl!, LEDGERLINE_PG_POOL_SIZE: '4', LEDGERLINE_DATA_DIR: h.platform.dataDir, LEDGERLINE_PUBLIC_URL: url, LEDGERLINE_ROLE: 'api' });
    try {
      const statusThere = async (token: string): Promise<number> => (await rest(second.url, 'GET', '/v1/grants', token)).status;
      const refusedThere = async (token: string, what: string): Promise<number> => {
        const started = Date.now();
        await until(async () => ((await statusThere(token)) === 401 ? true : undefined), 1000, what, 50);
        return Date.now() - started;
      };
      const grant = await delegate('acme', 'alice', 'grants:manage');
      expect(await statusThere(grant.token)).toBe(200);
      expect((await rest(url, 'DELETE', `/v1/grants/${grant.grantId}`, grant.token)).status).toBe(200);
      expect(await refusedThere(grant.token, 'the grant revoked on the first instance, on the second')).toBeLessThan(1000);

      const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['clients:admin', 'grants:admin', 'memory:read'] });
      const service = (await rest(url, 'POST', '/v1/admin/clients', admin, { name: 'Mirror', kind: 'service', scopes: ['memory:read'] })).body as { clientId: string; clientSecret: string };
      secrets.push(service.clientSecret);
      const token = (await serviceToken(service.clientId, service.clientSecret, 'memory:read')).body.access_token!;
      expect(await statusThere(token)).toBe(403);
      expect((await rest(url, 'POST', `/v1/admin/clients/${service.clientId}/disable`, admin, { reason: 'mirror' })).status).toBe(200);
      expect(await refusedThere(token, 'the client disabled on the first instance, on the second')).toBeLessThan(1000);
    } finally {
      secondLogs = second.output();
      await second.stop();
    }
  });

  it('keeps every client secret out of the event store, the data files and tables, the logs, and what the tools and REST answer', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const admin = h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: ['clients:admin', 'grants:admin', 'grants:manage'] });
    const answers = [
      await callOk(await mcp(admin), 'grant_list', { limit: 200 }),
      (await rest(url, 'GET', '/v1/admin/clients', admin)).text,
      (await rest(url, 'GET', '/v1/admin/grants?limit=200', admin)).text,
      (await rest(url, 'GET', '/v1/admin/clients', h.issuer.mint({ tenantId: 'globex', userId: 'root', scopes: ['clients:admin'] }))).text,
    ];
    const targets = { store: h.store, dataDir: h.platform.dataDir, databaseUrl: h.databaseUrl, logs: h.platform.output() + secondLogs, extra: answers };
    expect(targets.logs).toContain('"statusCode":');
    for (const secret of secrets) expect(await scanForSecret(secret, targets)).toEqual([]);
    // Not vacuous: the scan does see a secret where there is one.
    expect(await scanForSecret(secrets[0]!, { ...targets, extra: [...answers, { clientSecret: secrets[0] }] })).toEqual(['tool results']);
  });

  it('shows the grant tools only to a token with grants:manage', async () => {
    const names = async (scopes: string[]) => (await (await mcp(h.issuer.mint({ tenantId: 'acme', userId: 'alice', scopes }))).listTools()).tools.map((tool) => tool.name);
    expect(await names(['grants:manage'])).toEqual(expect.arrayContaining(['grant_list', 'grant_revoke']));
    expect(await names(['memory:read'])).not.toContain('grant_list');
  });
});
