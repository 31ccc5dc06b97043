import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startClientMetadataServer, type ClientMetadataServer } from './support/client-metadata-server.js';
import { addUser, claimsOf, REDIRECT_URI, signInAndConsent } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { loggingFetch, RecordingOAuthProvider, type LoggedExchange } from './support/ts-sdk-oauth-provider.js';
import { until } from './support/until.js';

// Interoperability with the TypeScript MCP SDK's own OAuth client (@modelcontextprotocol/sdk
// 1.32: StreamableHTTPClientTransport with an authProvider). Unlike the Python SDK it refreshes
// only when the server answers 401, so the platform runs with no clock tolerance and 3 s access
// tokens: an expired token is refused at once and the SDK's refresh is what the test sees.

const PASSWORD = 'correct horse battery staple';
const GRANTED = ['memory:read', 'memory:write'];
const ACCESS_SECONDS = 3;
// Without a discoveryState() in the provider, the SDK discovers again on every 401.
const DISCOVERY = ['GET /.well-known/oauth-protected-resource/mcp 200', 'GET /.well-known/oauth-authorization-server 200'];
const person = { tenant: 'acme', username: 'alice', password: PASSWORD, grant: GRANTED };

const METADATA = {
  client_name: 'Ledgerline interop (TypeScript MCP SDK)', redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
};

describe.each(['sqlite', 'postgres'] as const)('the TypeScript MCP SDK OAuth client against the authorization server (%s)', (kind) => {
  let harness: PlatformHarness;
  let documents: ClientMetadataServer;
  let url: string;

  beforeAll(async () => {
    documents = await startClientMetadataServer();
    harness = await startPlatformOn(kind, {
      LEDGERLINE_SCOPE_LIFETIMES: `memory:read=${ACCESS_SECONDS}/3600`,
      LEDGERLINE_AUTH_CLOCK_TOLERANCE_SECONDS: '0',
      LEDGERLINE_CIMD_PRIVATE_NETWORKS: '127.0.0.1/32',
      NODE_EXTRA_CA_CERTS: documents.caFile,
    });
    url = harness.platform.url;
    await addUser(harness, 'acme', 'alice', PASSWORD);
  });
  afterAll(async () => {
    await harness?.stop();
    await documents?.close();
  });

  it('registers by RFC 7591, is authorized through sign-in and consent, calls tools, refreshes on a 401, and after revocation gets UnauthorizedError', async () => {
    await theWholeFlow(new RecordingOAuthProvider(REDIRECT_URI, METADATA), ['POST /register 201'], 'typescript-dcr');
  });

  it('registers by Client ID Metadata Document (no /register), then the same flow', async () => {
    const clientId = documents.publish(`/typescript-${kind}.json`, METADATA);
    const provider = new RecordingOAuthProvider(REDIRECT_URI, METADATA, clientId);
    await theWholeFlow(provider, [], 'typescript-cimd');
    expect(provider.clientInformation()!.client_id).toBe(clientId);
    expect(documents.fetched).toContain(`/typescript-${kind}.json`);
  });

  /** `registration`: the requests that register the client after discovery; `key`: the memory key its tool calls use. */
  async function theWholeFlow(provider: RecordingOAuthProvider, registration: string[], key: string): Promise<void> {
    const http: LoggedExchange[] = [];
    const transportFor = () => new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { authProvider: provider, fetch: loggingFetch(http) });
    const calls = (from: number) => http.slice(from).map((call) => `${call.method} ${call.path} ${call.status}${call.error ? ` ${call.error}` : ''}`);

    // Without a token the SDK discovers, registers, and opens the authorization URL: the connect fails until finishAuth.
    const first = transportFor();
    await expect(new Client({ name: 'interop', version: '1.0.0' }).connect(first)).rejects.toThrow(UnauthorizedError);
    expect(calls(0)).toEqual(['POST /mcp 401', ...DISCOVERY, ...registration]);
    const clientId = provider.clientInformation()!.client_id;
    const [authorization] = provider.authorizationUrls;
    expect(authorization!.origin + authorization!.pathname).toBe(`${url}/authorize`);
    expect(Object.fromEntries(authorization!.searchParams)).toMatchObject({ client_id: clientId, response_type: 'code', code_challenge_method: 'S256', redirect_uri: REDIRECT_URI, resource: `${url}/mcp` });
    expect(authorization!.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(GRANTED));

    const callback = await signInAndConsent(authorization!.toString(), REDIRECT_URI, person);
    expect(callback.searchParams.get('state')).toBe(provider.expectedState());
    expect(callback.searchParams.get('iss')).toBe(url);
    await first.finishAuth(callback.searchParams.get('code')!);
    const [issued] = provider.savedTokens;
    expect(issued).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i), expires_in: ACCESS_SECONDS, refresh_token: expect.any(String) });
    expect(issued!.scope!.split(' ').sort()).toEqual(GRANTED);
    expect(claimsOf(issued!.access_token)).toMatchObject({ aud: `${url}/mcp`, sub: 'alice', tenant_id: 'acme', client_id: clientId });

    const client = new Client({ name: 'interop', version: '1.0.0' });
    await client.connect(transportFor());
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['memory_get', 'memory_put']));
    const put = (await client.callTool({ name: 'memory_put', arguments: { key, value: { said: 'hello from TypeScript' } } })) as CallToolResult;
    expect(put.isError).toBeFalsy();
    expect(put.structuredContent).toMatchObject({ changed: true });
    expect(((await client.callTool({ name: 'memory_get', arguments: { key } })) as CallToolResult).structuredContent).toMatchObject({ value: { said: 'hello from TypeScript' } });

    // Past the token's exp, the platform refuses it; the SDK refreshes (rotated) and retries, no person involved.
    await expiryOf(provider.tokens()!.access_token);
    const beforeRefresh = http.length;
    const tokensBeforeRefresh = provider.tokens()!;
    expect(((await client.callTool({ name: 'memory_get', arguments: { key } })) as CallToolResult).structuredContent).toMatchObject({ value: { said: 'hello from TypeScript' } });
    expect(calls(beforeRefresh)).toEqual(['POST /mcp 401', ...DISCOVERY, 'POST /token 200', 'POST /mcp 200']);
    expect(provider.tokens()!.access_token).not.toBe(tokensBeforeRefresh.access_token);
    expect(provider.tokens()!.refresh_token).not.toBe(tokensBeforeRefresh.refresh_token);
    expect(provider.authorizationUrls).toHaveLength(1);

    // RFC 7009 on the refresh token: the access token is refused within a second; the SDK's
    // refresh is refused (invalid_grant), it drops its tokens and opens a new authorization URL.
    const current = provider.tokens()!;
    const revoked = await fetch(`${url}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: current.refresh_token!, client_id: clientId }).toString() });
    expect(revoked.status).toBe(200);
    const started = Date.now();
    await until(async () => ((await mcpStatus(url, current.access_token)) === 401 ? true : undefined), 1000, 'the revoked access token refused', 50);
    expect(Date.now() - started).toBeLessThan(1000);
    const beforeRevoked = http.length;
    await expect(client.callTool({ name: 'memory_get', arguments: { key } })).rejects.toThrow(UnauthorizedError);
    expect(calls(beforeRevoked)).toEqual(['POST /mcp 401', ...DISCOVERY, 'POST /token 400 invalid_grant', ...DISCOVERY]);
    expect(provider.invalidated).toEqual(['tokens']);
    expect(provider.authorizationUrls).toHaveLength(2);
    await client.close();

    const grantId = String(claimsOf(issued!.access_token).grant_id);
    const events = [];
    for await (const batch of harness.store.readAll({ tenantId: 'acme' })) events.push(...batch);
    const trail = events.filter((event) => event.streamId === `grant-${grantId}`).map((event) => event.type);
    // One refresh, or more on a machine slow enough for a token to expire between the first calls.
    expect([trail[0], new Set(trail.slice(1, -1)), trail.at(-1)]).toEqual(['GrantIssued', new Set(['GrantRefreshed']), 'GrantRevoked']);
  }
});

/** Waits until the platform (no clock tolerance) no longer accepts the token: just past its exp. */
async function expiryOf(accessToken: string): Promise<void> {
  const exp = Number(claimsOf(accessToken).exp);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 + 300 - Date.now())));
}

async function mcpStatus(url: string, accessToken: string): Promise<number> {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'memory_list', arguments: {} } }),
  });
  await response.body?.cancel();
  return response.status;
}
