import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MCP_SDK_VERSION } from '../tools/mcp-oauth-client/ensure.mjs';
import { startClientMetadataServer, type ClientMetadataServer } from './support/client-metadata-server.js';
import { addUser, claimsOf, REDIRECT_URI } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { pythonForMcpClient, runPythonMcpClient, type HttpExchange, type PythonClientReport } from './support/python-mcp-client.js';

// Interoperability with a client we did not write: the Python MCP SDK from PyPI (pinned in
// tools/mcp-oauth-client/requirements.txt) runs its own OAuth client against the platform, once
// registering by Client ID Metadata Document and once by RFC 7591. The person at the browser is
// played headless by the script; everything else (discovery, registration, PKCE, code exchange,
// refresh on expiry, the reaction to a 401) is the SDK's code.

const PASSWORD = 'correct horse battery staple';
const GRANTED = ['memory:read', 'memory:write'];
// Short access tokens, so the SDK's refresh on expiry happens within the test.
const ACCESS_SECONDS = 3;

type Run = Awaited<ReturnType<typeof runPythonMcpClient>>;

describe.each(['sqlite', 'postgres'] as const)(`the Python MCP SDK (mcp ${MCP_SDK_VERSION}) against the authorization server (%s)`, (kind) => {
  let harness: PlatformHarness;
  let documents: ClientMetadataServer;
  let url: string;
  let cimdClientId: string;
  // Both runs go side by side (each waits out two access-token lifetimes); each test awaits its own.
  let byDocument: Promise<Run>;
  let byRegistration: Promise<Run>;

  beforeAll(async () => {
    const python = pythonForMcpClient();
    documents = await startClientMetadataServer();
    harness = await startPlatformOn(kind, {
      LEDGERLINE_SCOPE_LIFETIMES: `memory:read=${ACCESS_SECONDS}/3600`,
      LEDGERLINE_CIMD_PRIVATE_NETWORKS: '127.0.0.1/32',
      NODE_EXTRA_CA_CERTS: documents.caFile,
    });
    url = harness.platform.url;
    await addUser(harness, 'acme', 'alice', PASSWORD);
    cimdClientId = documents.publish(`/python-${kind}.json`, {
      client_name: 'Ledgerline interop (Python mcp SDK)', redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    });
    const person = { server: `${url}/mcp`, tenant: 'acme', username: 'alice', password: PASSWORD, grant: GRANTED };
    byDocument = runPythonMcpClient(python, { ...person, clientMetadataUrl: cimdClientId, key: 'python-cimd' });
    byRegistration = runPythonMcpClient(python, { ...person, key: 'python-dcr' });
    // Handled here too, so a run that fails before its test awaits it is no unhandled rejection.
    byDocument.catch(() => undefined);
    byRegistration.catch(() => undefined);
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([byDocument, byRegistration]);
    await harness?.stop();
    await documents?.close();
  });

  it('registers by Client ID Metadata Document (no /register), then signs in, calls tools, refreshes on expiry and meets revocation', async () => {
    const { report, exitCode, stderr } = await byDocument;
    expectCompleted(report, exitCode, stderr);
    expect(report.registration).toBe('cimd');
    expect(calls(report, 'connect').slice(0, 4)).toEqual(['POST /mcp 401', 'GET /.well-known/oauth-protected-resource/mcp 200', 'GET /.well-known/oauth-authorization-server 200', 'POST /token 200']);
    expect(report.client_info).toMatchObject({ client_id: cimdClientId, token_endpoint_auth_method: 'none' });
    expect(report.authorizations[0]).toMatchObject({ client_id: cimdClientId });
    expect(documents.fetched).toContain(`/python-${kind}.json`);
    await expectTheRestOfTheFlow(report, cimdClientId);
  });

  it('registers by RFC 7591 with the scopes it discovered, then signs in, calls tools, refreshes on expiry and meets revocation', async () => {
    const { report, exitCode, stderr } = await byRegistration;
    expectCompleted(report, exitCode, stderr);
    expect(report.registration).toBe('dcr');
    expect(calls(report, 'connect').slice(0, 5)).toEqual(['POST /mcp 401', 'GET /.well-known/oauth-protected-resource/mcp 200', 'GET /.well-known/oauth-authorization-server 200', 'POST /register 201', 'POST /token 200']);
    const clientId = report.client_info!.client_id;
    expect(clientId).not.toMatch(/^https?:/);
    expect(report.authorizations[0]).toMatchObject({ client_id: clientId });
    await expectTheRestOfTheFlow(report, clientId);
  });

  async function expectTheRestOfTheFlow(report: PythonClientReport, clientId: string): Promise<void> {
    const [first] = report.authorizations;
    // The SDK asks for every scope the protected-resource metadata lists (and offline_access, for a refresh token).
    expect(first).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', resource: `${url}/mcp`, redirect_uri: REDIRECT_URI });
    expect(first!.scope!.split(' ')).toEqual(expect.arrayContaining([...GRANTED, 'offline_access']));
    const consent = report.person.find((page) => page.page === 'consent')!;
    expect(consent.offered).toEqual(expect.arrayContaining(GRANTED));
    expect(consent.offered).not.toContain('platform:admin');
    // RFC 9207: the redirect carries iss, and the SDK checked it against the metadata.
    expect(report.person.find((page) => page.page === 'callback')?.params).toEqual(['code', 'iss', 'state']);

    const [issued] = report.tokens;
    expect(issued).toMatchObject({ expires_in: ACCESS_SECONDS, refresh_token: expect.any(String) });
    expect(issued!.scope!.split(' ').sort()).toEqual(GRANTED);
    expect(claimsOf(issued!.access_token)).toMatchObject({ aud: `${url}/mcp`, sub: 'alice', tenant_id: 'acme', client_id: clientId });

    // mode="auto": the SDK probes server/discover, then falls back to the initialize handshake.
    expect(report.protocol_version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(report.tools).toEqual(expect.arrayContaining(['memory_get', 'memory_put']));
    expect(report.put).toEqual({ is_error: false });
    expect(report.got).toMatchObject({ is_error: false, structured: { value: { said: 'hello from Python' } } });

    // Expired by its own clock, the SDK refreshed (a rotated refresh token) without asking the person again.
    expect(calls(report, 'refresh')).toEqual(['POST /token 200', 'POST /mcp 200']);
    const refreshed = report.tokens.at(-1)!;
    expect(report.tokens.length).toBeGreaterThanOrEqual(2);
    expect(refreshed.access_token).not.toBe(issued!.access_token);
    expect(refreshed.refresh_token).not.toBe(issued!.refresh_token);
    expect(report.after_refresh).toMatchObject({ is_error: false, structured: { value: { said: 'hello from Python' } } });

    // RFC 7009 on the refresh token: the access token of the grant is refused within a second,
    // and the SDK's next refresh is refused, after which it asks for a new authorization.
    expect(report.revocation).toEqual({ status: 200 });
    expect(report.access_token_after_revocation).toMatchObject({ status: 401 });
    expect(report.access_token_after_revocation!.after_ms).toBeLessThan(1000);
    expect(report.access_token_after_revocation!.www_authenticate).toContain('invalid_token');
    expect(report.http.filter((call) => call.step === 'after-revocation').slice(0, 2)).toEqual([
      { step: 'after-revocation', method: 'POST', path: '/token', status: 400, error: 'invalid_grant' },
      { step: 'after-revocation', method: 'POST', path: '/mcp', status: 401 },
    ]);
    expect(report.authorizations).toHaveLength(2);
    expect(report.sdk_after_revocation?.raised).toContain('the SDK asked the person to authorize again');

    const grantId = String(claimsOf(issued!.access_token).grant_id);
    const events = await readAllOf(harness, 'acme');
    const trail = events.filter((event) => event.streamId === `grant-${grantId}`).map((event) => event.type);
    // One refresh, or more on a machine slow enough for a token to expire between the first calls.
    expect([trail[0], new Set(trail.slice(1, -1)), trail.at(-1)]).toEqual(['GrantIssued', new Set(['GrantRefreshed']), 'GrantRevoked']);
    const put = events.find((event) => event.type.startsWith('Memory') && event.metadata.clientId === clientId);
    expect(put?.metadata).toMatchObject({ userId: 'alice', grantId });
  }
});

function expectCompleted(report: PythonClientReport, exitCode: number | null, stderr: string): void {
  if (exitCode !== 0) process.stderr.write(`oauth-client.py (exit ${exitCode}):\n${stderr}\n`);
  expect(report.error).toBeUndefined();
  expect(exitCode).toBe(0);
}

function calls(report: PythonClientReport, step: string): string[] {
  return report.http.filter((call: HttpExchange) => call.step === step).map((call) => `${call.method} ${call.path} ${call.status}`);
}

async function readAllOf(harness: PlatformHarness, tenantId: string) {
  const events = [];
  for await (const batch of harness.store.readAll({ tenantId })) events.push(...batch);
  return events;
}
