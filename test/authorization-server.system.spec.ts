import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addUser, authorize, cliOn, claimsOf, exchangeCode, headerOf, refresh, registerClient } from './support/oauth-flow.js';
import { until } from './support/until.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

const PASSWORD = 'correct horse battery staple';

describe.each(['sqlite', 'postgres'] as const)('the built-in authorization server (%s)', (kind) => {
  let harness: PlatformHarness;
  let url: string;

  beforeAll(async () => {
    harness = await startPlatformOn(kind);
    url = harness.platform.url;
    await addUser(harness, 'acme', 'alice', PASSWORD);
  });
  afterAll(async () => harness?.stop());

  it('serves RFC 8414 metadata and the OpenID alias, named by the protected-resource metadata', async () => {
    const prm = (await (await fetch(`${url}/.well-known/oauth-protected-resource/mcp`)).json()) as { authorization_servers: string[] };
    expect(prm.authorization_servers).toEqual([url]);
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      const metadata = (await response.json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        issuer: url,
        authorization_endpoint: `${url}/authorize`,
        token_endpoint: `${url}/token`,
        registration_endpoint: `${url}/register`,
        revocation_endpoint: `${url}/revoke`,
        jwks_uri: `${url}/jwks`,
        code_challenge_methods_supported: ['S256'],
        client_id_metadata_document_supported: true,
      });
      expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['memory:read', 'memory:write']));
    }
  });

  it('accepts an RFC 7591 registration naming the scopes it advertises (as MCP SDKs send them), recorded without the resource ones; unknown scopes are still refused', async () => {
    const client = await registerClient(url, { scope: 'memory:read memory:write automation:invoice offline_access' });
    expect(client.scope).toBe('offline_access');
    const refused = await fetch(`${url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:53682/callback'], token_endpoint_auth_method: 'none', scope: 'memory:read nonsense' }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it('signs a person in, takes a subset of the scopes on consent, and issues an at+jwt for /mcp with tenant, user, client and grant', async () => {
    const client = await registerClient(url);
    const { code, verifier, state } = await authorize(url, { clientId: client.client_id, scope: 'memory:read memory:write audit:read', tenant: 'acme', username: 'alice', password: PASSWORD, grant: ['memory:read', 'memory:write'] });
    expect(state).toMatch(/^state-/);
    const token = await exchangeCode(url, client.client_id, code, verifier);
    expect(token.status).toBe(200);
    expect(token.body.refresh_token).toEqual(expect.any(String));
    const claims = claimsOf(token.body.access_token!);
    expect(headerOf(token.body.access_token!)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(claims).toMatchObject({ iss: url, aud: `${url}/mcp`, sub: 'alice', tenant_id: 'acme', client_id: client.client_id, grant_id: expect.any(String) });
    expect(String(claims.scope).split(' ').sort()).toEqual(['memory:read', 'memory:write']);
    const refreshed = await refresh(url, client.client_id, token.body.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(token.body.refresh_token);

    const put = await callTool(url, refreshed.body.access_token!, 'memory_put', { key: 'greeting', value: 'hello' });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain('"isError":true');
    const appended = (await readAllOf(harness, 'acme')).find((event) => event.type.startsWith('Memory'));
    expect(appended?.metadata).toMatchObject({ userId: 'alice', clientId: client.client_id, grantId: claims.grant_id });
  });

  it('offers and grants the scope of an automation, named as automations are (underscores included)', async () => {
    const client = await registerClient(url);
    const { code, verifier } = await authorize(url, { clientId: client.client_id, scope: 'memory:read automation:pay_invoice', tenant: 'acme', username: 'alice', password: PASSWORD });
    const token = await exchangeCode(url, client.client_id, code, verifier);
    expect(String(claimsOf(token.body.access_token!).scope).split(' ').sort()).toEqual(['automation:pay_invoice', 'memory:read']);
  });

  it('RFC 7009 revocation of the refresh token ends the grant: refresh refused at once, the access token refused within a second', async () => {
    const client = await registerClient(url);
    const { code, verifier } = await authorize(url, { clientId: client.client_id, scope: 'memory:read', tenant: 'acme', username: 'alice', password: PASSWORD });
    const token = (await exchangeCode(url, client.client_id, code, verifier)).body;
    expect((await callTool(url, token.access_token!, 'memory_list', {})).status).toBe(200);
    const revoked = await fetch(`${url}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: token.refresh_token!, client_id: client.client_id }).toString() });
    expect(revoked.status).toBe(200);
    expect((await refresh(url, client.client_id, token.refresh_token!)).body.error).toBe('invalid_grant');
    const started = Date.now();
    await until(async () => ((await callTool(url, token.access_token!, 'memory_list', {})).status === 401 ? true : undefined), 1000, 'the revoked access token refused', 50);
    expect(Date.now() - started).toBeLessThan(1000);
    // The trail is written beside the revocation's answer: it may land a moment later.
    const trail = await until(async () => {
      const types = (await readAllOf(harness, 'acme')).filter((event) => event.streamId === `grant-${String(claimsOf(token.access_token!).grant_id)}`).map((event) => event.type);
      return types.includes('GrantRevoked') ? types : undefined;
    }, 5000, 'GrantRevoked', 20);
    expect(trail).toEqual(['GrantIssued', 'GrantRevoked']);
  });

  it('stops a suspended tenant\'s grants: tool calls refused, refresh refused', async () => {
    await addUser(harness, 'initech', 'peter', PASSWORD);
    const client = await registerClient(url);
    const { code, verifier } = await authorize(url, { clientId: client.client_id, scope: 'memory:read', tenant: 'initech', username: 'peter', password: PASSWORD });
    const token = (await exchangeCode(url, client.client_id, code, verifier)).body;
    expect((await callTool(url, token.access_token!, 'memory_list', {})).status).toBe(200);
    expect((await cliOn(harness, ['tenants', 'suspend', 'initech', '--reason', 'unpaid'])).code).toBe(0);
    await until(async () => ((await callTool(url, token.access_token!, 'memory_list', {})).status === 403 ? true : undefined), 5000, 'the suspension seen', 100);
    expect((await refresh(url, client.client_id, token.refresh_token!)).body.error).toBe('invalid_grant');
  });
});

async function callTool(url: string, token: string, name: string, args: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
  return { status: response.status, text: await response.text() };
}

async function readAllOf(harness: PlatformHarness, tenantId: string) {
  const events = [];
  for await (const batch of harness.store.readAll({ tenantId })) events.push(...batch);
  return events;
}
