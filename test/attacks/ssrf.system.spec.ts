import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server.js';
import { callOk, connect } from '../support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from '../support/platform-harness.js';
import { waitForRun, type RunView } from '../support/runs.js';

/**
 * SSRF through connector URLs and redirects, beyond test/egress.system.spec.ts (which aims the
 * plain literal 127.0.0.1, `localhost` and 169.254.169.254 at a closed installation). Every other
 * spelling of loopback, the metadata service, the unspecified address and the private ranges is
 * refused before a connection; an operator who opens 127.0.0.1/32 opens that address however it
 * is spelled, and nothing next to it; a redirect is never followed, wherever it points.
 */
const TENANT = 'acme-ssrf';
const call = {
  name: 'call_home', title: 'Call', description: 'One call, no retries.',
  inputSchema: { type: 'object', properties: {} },
  steps: [{ id: 'get', type: 'call', connector: 'erp', request: { method: 'GET', path: '/probe' }, retry: { maxAttempts: 1 } }],
};

/** [what, host (with the fixture's port), reaches the fixture when the operator opened 127.0.0.1/32]. */
const ADDRESSES: Array<[string, (port: string) => string, boolean]> = [
  ['127.0.0.1 in decimal', (port) => `2130706433:${port}`, true],
  ['127.0.0.1 in octal', (port) => `0177.0.0.1:${port}`, true],
  ['127.0.0.1 in hexadecimal', (port) => `0x7f000001:${port}`, true],
  ['127.0.0.1 shortened', (port) => `127.1:${port}`, true],
  ['another address of 127.0.0.0/8', (port) => `127.0.0.2:${port}`, false],
  ['IPv6 loopback', (port) => `[::1]:${port}`, false],
  ['IPv4-mapped IPv6 of another loopback address', (port) => `[::ffff:127.0.0.2]:${port}`, false],
  ['the unspecified address', (port) => `0.0.0.0:${port}`, false],
  ['the unspecified address as 0', (port) => `0:${port}`, false],
  ['the unspecified IPv6 address', (port) => `[::]:${port}`, false],
  ['the metadata service in decimal', () => '2852039166', false],
  ['the metadata service IPv4-mapped', () => '[::ffff:169.254.169.254]', false],
  ["the metadata service's IPv6 address (unique local)", () => '[fd00:ec2::254]', false],
  ['link-local IPv6', () => '[fe80::1]', false],
  ['10.0.0.0/8', () => '10.0.0.1', false],
  ['172.16.0.0/12', () => '172.16.0.1', false],
  ['192.168.0.0/16', () => '192.168.1.1', false],
  ['carrier-grade NAT', () => '100.64.0.1', false],
];

describe.each([
  ['closed to private networks', ''],
  ['opened to 127.0.0.1/32 only', '127.0.0.1/32'],
])('connector egress, %s', (_label, privateNetworks) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let admin: Client;
  let agent: Client;
  let port: string;

  /** Aims the connector at `host`, runs one call and says what happened. */
  const aimAndRun = async (host: string): Promise<{ run: RunView; stepCode: unknown; probes: number }> => {
    const baseUrl = new URL(`http://${host}/api`);
    await callOk(admin, 'connector_register', { name: 'erp', config: { baseUrl: baseUrl.href, allowedHosts: [baseUrl.host], timeoutMs: 2000 } });
    const before = fixture.requests.length;
    const { runId } = await callOk<{ runId: string }>(agent, 'call_home', {});
    const run = await waitForRun(agent, runId);
    const failed = (await h.store.readStream(TENANT, runId)).find((event) => event.type === 'StepFailed');
    return { run, stepCode: (failed?.data as { code?: unknown } | undefined)?.code, probes: fixture.requests.length - before };
  };

  beforeAll(async () => {
    fixture = await startFixtureServer();
    port = new URL(fixture.url).port;
    h = await startPlatformOn('sqlite', { LEDGERLINE_EGRESS_PRIVATE_NETWORKS: privateNetworks, LEDGERLINE_TOOL_RATE_PER_SEC: '1000', LEDGERLINE_TOOL_RATE_BURST: '1000' });
    admin = await connect(h.platform, h.issuer.mint({ tenantId: TENANT, userId: 'admin', scopes: ['connectors:admin', 'automations:admin'] }));
    agent = await connect(h.platform, h.issuer.mint({ tenantId: TENANT, userId: 'agent', scopes: ['automation:call_home', 'runs:read'] }));
    await callOk(admin, 'connector_register', { name: 'erp', config: { baseUrl: 'https://erp.example.com/api', allowedHosts: ['erp.example.com'] } });
    await callOk(admin, 'automation_publish', { definition: call });
  });
  afterAll(async () => {
    await admin?.close();
    await agent?.close();
    await h?.stop();
    await fixture?.close();
  });

  it.each(ADDRESSES)('%s', async (_what, hostOf, reachesWhenOpened) => {
    const outcome = await aimAndRun(hostOf(port));
    if (privateNetworks !== '' && reachesWhenOpened) {
      expect(outcome).toMatchObject({ run: { status: 'completed' }, probes: 1 });
    } else {
      expect(outcome).toMatchObject({ run: { status: 'failed', lastError: { code: 'step.not_retryable' } }, stepCode: 'connector.egress_refused', probes: 0 });
    }
  });

  if (privateNetworks === '') {
    it("refuses this machine's own name when it resolves to loopback, checked on the address connected to", async () => {
      const names = [];
      for (const name of [hostname(), 'localhost']) {
        const addresses = await lookup(name, { all: true }).catch(() => []);
        if (addresses.length > 0 && addresses.every(({ address }) => address.startsWith('127.') || address === '::1')) names.push(name);
      }
      expect(names).toContain('localhost');
      for (const name of names) expect([name, await aimAndRun(`${name}:${port}`)]).toEqual([name, expect.objectContaining({ stepCode: 'connector.egress_refused', probes: 0 })]);
    });
  } else {
    it.each([
      ['the metadata service', 302, 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
      ['a loopback path the connector does not call', 307, '/internal/admin'],
      ['IPv6 loopback', 308, 'http://[::1]/internal/admin'],
      ['another scheme', 301, 'file:///etc/passwd'],
    ])('never follows a redirect to %s: the step fails as a redirect, nothing else is requested', async (_what, status, location) => {
      const target = location.startsWith('/') ? `${fixture.url}${location}` : location;
      fixture.respond('/api/probe', { status, headers: { location: target } });
      const outcome = await aimAndRun(`127.0.0.1:${port}`);
      fixture.respond('/api/probe', {});
      expect(outcome).toMatchObject({ run: { status: 'failed' }, stepCode: 'connector.redirect', probes: 1 });
      expect(fixture.requests.some((request) => request.path.startsWith('/internal'))).toBe(false);
    });
  }
});
