import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PLATFORM_TENANT } from '#core';
import { INSPECTOR_VERSION } from '../tools/mcp-inspector/ensure.mjs';
import { startClientMetadataServer, type ClientMetadataServer } from './support/client-metadata-server.js';
import { inspectorLauncher, runInspectorWithOAuth, type InspectorRun } from './support/mcp-inspector.js';
import { addUser } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { until } from './support/until.js';

// Interoperability with the MCP Inspector's CLI (pinned in tools/mcp-inspector/package-lock.json):
// given no token, it discovers the authorization server, registers (RFC 7591, or its Client ID
// Metadata Document), opens the authorization URL and waits on its loopback listener; a person
// signs in and consents, headless, and the Inspector makes the MCP call with the token it got.

const PASSWORD = 'correct horse battery staple';
const person = { tenant: 'acme', username: 'alice', password: PASSWORD, grant: ['memory:read', 'memory:write'] };

describe.each(['sqlite', 'postgres'] as const)(`the MCP Inspector CLI ${INSPECTOR_VERSION} against the authorization server (%s)`, (kind) => {
  let harness: PlatformHarness;
  let documents: ClientMetadataServer;
  let launcher: string;
  let url: string;

  beforeAll(async () => {
    launcher = inspectorLauncher();
    documents = await startClientMetadataServer();
    harness = await startPlatformOn(kind, { LEDGERLINE_CIMD_PRIVATE_NETWORKS: '127.0.0.1/32', NODE_EXTRA_CA_CERTS: documents.caFile });
    url = harness.platform.url;
    await addUser(harness, 'acme', 'alice', PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
    await documents?.close();
  });

  it('registers by RFC 7591, is authorized by a person, and lists the tools', async () => {
    const run = await runInspectorWithOAuth(launcher, `${url}/mcp`, ['--method', 'tools/list'], person);
    expectAuthorized(run);
    const clientId = run.authorizationUrl!.searchParams.get('client_id')!;
    expect(clientId).not.toMatch(/^https?:/);
    expect((run.output!.result as { tools: { name: string }[] }).tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['memory_get', 'memory_put']));
    // Journaled after the answer to /register, so waited for.
    const registered = await until(async () => (await readAllOf(harness, PLATFORM_TENANT)).find((event) => event.type === 'ClientRegistered' && (event.data as { clientId: string }).clientId === clientId), 2000, 'ClientRegistered');
    expect(registered.data).toMatchObject({ method: 'dynamic' });
  });

  it('registers by its Client ID Metadata Document, is authorized by a person, and calls a tool that appends an event under that client', async () => {
    const clientId = documents.publish(`/inspector-${kind}.json`, {
      // A native client's loopback redirect URI matches on any port (RFC 8252 §7.3): the Inspector's listener takes a free one.
      client_name: 'MCP Inspector (interop test)', application_type: 'native', redirect_uris: ['http://127.0.0.1/oauth/callback'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    });
    const run = await runInspectorWithOAuth(launcher, `${url}/mcp`, ['--client-metadata-url', clientId, '--method', 'tools/call', '--tool-name', 'memory_put', '--tool-args-json', JSON.stringify({ key: 'inspector', value: 'hello from the Inspector' })], person);
    expectAuthorized(run);
    expect(run.authorizationUrl!.searchParams.get('client_id')).toBe(clientId);
    expect(run.output!.result).toMatchObject({ structuredContent: { key: 'inspector', changed: true } });
    expect(documents.fetched).toContain(`/inspector-${kind}.json`);
    const put = (await readAllOf(harness, 'acme')).find((event) => event.type.startsWith('Memory') && event.metadata.clientId === clientId);
    expect(put?.metadata).toMatchObject({ userId: 'alice', grantId: expect.any(String) });
  });
});

function expectAuthorized(run: InspectorRun): void {
  if (run.exitCode !== 0) process.stderr.write(`the Inspector (exit ${run.exitCode}):\n${run.stderr}\n`);
  expect(run.exitCode).toBe(0);
  expect(Object.fromEntries(run.authorizationUrl!.searchParams)).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', resource: expect.stringMatching(/\/mcp$/) });
  // RFC 9207: the redirect names the issuer; the Inspector took the code from its own listener.
  expect([...run.callback!.searchParams.keys()].sort()).toEqual(['code', 'iss', 'state']);
  expect(run.stderr).toContain('Authorization complete.');
}

async function readAllOf(harness: PlatformHarness, tenantId: string) {
  const events = [];
  for await (const batch of harness.store.readAll({ tenantId })) events.push(...batch);
  return events;
}
