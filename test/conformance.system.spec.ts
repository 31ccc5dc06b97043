import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { reportOf, requiredServerScenarios, runConformanceSuite, yamlListItems, type ConformanceRun, type Revision } from './support/conformance-suite.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { startTokenProxy, type TokenProxy } from './support/token-proxy.js';

const EXPECTED_FAILURES = 'test/conformance/expected-failures.yml';
const REVISIONS: readonly Revision[] = ['2025-11-25', '2026-07-28'];
/** The scope of every built-in tool (`scope:` in the `*.tool.ts` files under libs/), so the suite sees them all. */
const TOOL_SCOPES = [
  'audit:read', 'automations:admin', 'runs:read', 'runs:cancel', 'approvals:decide',
  'connectors:admin', 'connectors:read', 'grants:manage', 'memory:read', 'memory:write', 'policies:admin', 'policies:read', 'groups:admin', 'groups:read',
];

const entries = yamlListItems(readFileSync(EXPECTED_FAILURES, 'utf8'), 'server');

describe('the conformance expected-failures file', () => {
  it('lists single checks, each once, each with its reason on its line', () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const { item, comment } of entries) expect({ item, comment }).toEqual({ item: expect.stringMatching(/^[a-z0-9-]+:[^:\s]+$/), comment: expect.stringMatching(/\w+ \w+/) });
    expect(new Set(entries.map(({ item }) => item)).size).toBe(entries.length);
  });
});

/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance) against the started
 * platform: every server scenario of each revision, at that revision's wire, through a loopback
 * proxy that adds the bearer token (the suite does not authenticate) and passes all else as it came,
 * Host and Origin included, so dns-rebinding-protection meets the platform's own Origin check.
 */
describe.each(['sqlite', 'postgres'] as const)('the MCP conformance suite against /mcp on %s', (kind) => {
  let proxy: TokenProxy;
  let h: PlatformHarness;
  const runs = new Map<Revision, Promise<ConformanceRun>>();
  /** One CLI run per revision, shared by the tests that read it. */
  const run = (revision: Revision): Promise<ConformanceRun> => {
    let pending = runs.get(revision);
    if (!pending) runs.set(revision, (pending = runConformanceSuite(`${proxy.url}/mcp`, revision, EXPECTED_FAILURES)));
    return pending;
  };

  beforeAll(async () => {
    proxy = await startTokenProxy();
    // The suite knows the proxy's address only: the platform allows the browser origins of that address.
    h = await startPlatformOn(kind, { LEDGERLINE_ALLOWED_ORIGINS: proxy.origins.join(',') });
    proxy.forwardTo(h.platform.url, h.issuer.mint({ tenantId: `conformance-${kind}`, userId: 'conformance', clientId: 'mcp-conformance', scopes: TOOL_SCOPES }));
  });
  afterAll(async () => {
    await Promise.allSettled(runs.values());
    await proxy?.close();
    await h?.stop();
  });

  it('shows the suite every built-in tool through the proxy', async () => {
    const client = new Client({ name: 'ledgerline-conformance-check', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp`)));
    try {
      const builtIn = readdirSync('libs', { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.tool.ts'));
      expect((await client.listTools()).tools).toHaveLength(builtIn.length);
    } finally {
      await client.close();
    }
  });

  it.each(REVISIONS)('%s: every scenario passes but the expected failures, and each of those still fails', async (revision) => {
    const result = await run(revision);
    if (result.exitCode !== 0 || result.unexpectedFailures.length > 0 || result.staleEntries.length > 0) throw new Error(reportOf(result));
    // Every scenario the revision's frozen requirement set names ran (and so passed, or failed as listed).
    expect(result.scenarios.map(({ scenario }) => scenario)).toEqual(expect.arrayContaining(requiredServerScenarios(revision)));
  });

  it.each(REVISIONS)('%s: the rebinding request meets the platform\'s Origin check (403 forbidden_origin)', async (revision) => {
    const checks = (await run(revision)).scenarios.find(({ scenario }) => scenario === 'dns-rebinding-protection')?.checks ?? [];
    expect(checks.find(({ id }) => id === 'localhost-host-rebinding-rejected')).toMatchObject({
      status: 'SUCCESS',
      details: { hostHeader: 'evil.example.com', statusCode: 403, body: { error: 'forbidden_origin' } },
    });
    expect(checks.find(({ id }) => id === 'localhost-host-valid-accepted')).toMatchObject({ status: 'SUCCESS', details: { hostHeader: new URL(proxy.url).host } });
  });

  it('meets every expected failure in one revision or the other (no dead entry)', async () => {
    const met = new Set((await Promise.all(REVISIONS.map(run))).flatMap((result) => result.expectedFailures));
    expect(entries.map(({ item }) => item).filter((item) => !met.has(item))).toEqual([]);
  });
});
