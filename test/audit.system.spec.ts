import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { OpenApiConformance } from './support/openapi-conformance.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

interface Entry {
  position: number;
  type: string;
  streamId: string;
  userId: string | null;
  tool: string | null;
  scopes: string[];
  connector: string | null;
}
interface Page {
  entries: Entry[];
  nextCursor: string | null;
}

const SCOPES = ['memory:read', 'memory:write', 'audit:read', 'connectors:admin'];
const CONFIG = { baseUrl: 'https://crm.example.com', allowedHosts: ['crm.example.com'] };

describe.each(['sqlite', 'postgres'] as const)('audit queries over real tool calls on %s', (kind) => {
  let h: PlatformHarness;
  let alice: Client;
  let bob: Client;
  let intruder: Client;
  let aliceToken: string;
  let intruderToken: string;

  const query = (client: Client, args: Record<string, unknown> = {}) => callOk<Page>(client, 'audit_query', args);
  const rest = async (token: string, params: Record<string, string> = {}) => {
    const response = await fetch(`${h.platform.url}/v1/audit?${new URLSearchParams(params).toString()}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json() as Page & { error?: { code: string } } };
  };

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    aliceToken = h.issuer.mint({ tenantId: 'acme', userId: 'alice', scopes: SCOPES });
    intruderToken = h.issuer.mint({ tenantId: 'globex', userId: 'mallory', scopes: SCOPES });
    alice = await connect(h.platform, aliceToken);
    bob = await connect(h.platform, h.issuer.mint({ tenantId: 'acme', userId: 'bob', scopes: ['memory:write', 'audit:read'] }));
    intruder = await connect(h.platform, intruderToken);
    for (let i = 0; i < 5; i++) await callOk(alice, 'memory_put', { key: `k${i}`, value: i });
    await callOk(bob, 'memory_put', { key: 'bobs', value: 'private to bob' });
    await callOk(alice, 'connector_register', { name: 'crm', config: CONFIG });
    await callOk(alice, 'memory_delete', { key: 'k0' });
    await callOk(intruder, 'memory_put', { key: 'g', value: 'globex' });
    await callOk(intruder, 'connector_register', { name: 'crm', config: CONFIG });
  });
  afterAll(async () => {
    await Promise.all([alice, bob, intruder].map((client) => client?.close()));
    await h?.stop();
  });

  it('filters by user, tool, type prefix, scope, connector and stream, newest first', async () => {
    const all = await query(alice);
    expect(all.entries.map((e) => e.type)).toEqual(['MemoryItemDeleted', 'ConnectorRegistered', ...Array(6).fill('MemoryItemPut')]);
    expect(all.entries.every((e, i) => i === 0 || e.position < all.entries[i - 1]!.position)).toBe(true);
    expect((await query(alice, { userId: 'bob' })).entries.map((e) => [e.userId, e.tool])).toEqual([['bob', 'memory_put']]);
    expect((await query(alice, { tool: 'memory_delete' })).entries).toHaveLength(1);
    expect((await query(alice, { type: 'Memory*' })).entries).toHaveLength(7);
    expect((await query(alice, { scope: 'connectors:admin' })).entries.map((e) => e.type)).toEqual(['MemoryItemDeleted', 'ConnectorRegistered', 'MemoryItemPut', 'MemoryItemPut', 'MemoryItemPut', 'MemoryItemPut', 'MemoryItemPut']);
    expect((await query(alice, { connector: 'crm' })).entries).toMatchObject([{ type: 'ConnectorRegistered', streamId: 'connector-crm', connector: 'crm', tool: 'connector_register' }]);
    expect((await query(alice, { streamId: 'memory:user:bob:default' })).entries).toHaveLength(1);
    const restPage = await rest(aliceToken, { type: 'ConnectorRegistered' });
    expect(restPage).toMatchObject({ status: 200, body: { entries: [{ connector: 'crm', userId: 'alice' }], nextCursor: null } });
    const [newest] = all.entries;
    expect((await rest(aliceToken, { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' })).body.entries).toEqual([]);
    expect(JSON.stringify(all)).not.toContain('private to bob');
    expect(newest!.scopes).toEqual(SCOPES);
  });

  it('pages by the opaque cursor through the tool and REST alike, and still takes a legacy numeric cursor', async () => {
    const positions: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await query(alice, { limit: 3, ...(cursor && { cursor }) });
      positions.push(...page.entries.map((e) => e.position));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(positions).toHaveLength(8);
    const first = await rest(aliceToken, { limit: '3', order: 'asc' });
    const second = await rest(aliceToken, { limit: '3', order: 'asc', cursor: first.body.nextCursor! });
    const openApi = await OpenApiConformance.load(h.platform.url);
    for (const page of [first, second]) openApi.check('/v1/audit', 'get', 200, page.body);
    expect([...first.body.entries, ...second.body.entries].map((e) => e.position)).toEqual([...positions].reverse().slice(0, 6));
    expect((await query(alice, { cursor: positions[2]!, limit: 2 })).entries.map((e) => e.position)).toEqual(positions.slice(3, 5));
  });

  it("never shows another tenant's entries, whatever the filters, through the tool or REST", async () => {
    const theirs = await query(intruder, { limit: 500 });
    expect(theirs.entries.map((e) => e.userId)).toEqual(['mallory', 'mallory']);
    expect((await query(intruder, { userId: 'alice' })).entries).toEqual([]);
    expect((await query(intruder, { streamId: 'memory:user:alice:default' })).entries).toEqual([]);
    expect((await query(intruder, { connector: 'crm' })).entries.map((e) => e.userId)).toEqual(['mallory']);
    const aliceCursor = (await query(alice, { limit: 1 })).nextCursor!;
    expect((await query(intruder, { cursor: aliceCursor })).entries.every((e) => e.userId === 'mallory')).toBe(true);
    const viaRest = await rest(intruderToken, { userId: 'alice' });
    expect(viaRest).toMatchObject({ status: 200, body: { entries: [] } });
    expect(JSON.stringify((await rest(intruderToken)).body)).not.toContain('alice');
  });

  it('answers bad filters with typed errors: a tool error and HTTP 400', async () => {
    for (const args of [{ limit: 501 }, { from: 'yesterday' }, { type: 'Memory**' }, { connector: 'CRM!' }, { order: 'up' }, { tenantId: 'globex' }, { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }]) {
      const error = errorOf(await alice.callTool({ name: 'audit_query', arguments: args }));
      expect({ args, kind: error.kind }).toEqual({ args, kind: 'validation' });
    }
    expect(errorOf(await alice.callTool({ name: 'audit_query', arguments: { cursor: 'garbage' } })).code).toBe('audit.invalid_cursor');
    const badParams: Array<Record<string, string>> = [{ limit: '0' }, { limit: 'lots' }, { to: 'soon' }, { tenantId: 'globex' }, { cursor: 'garbage' }, { order: 'asc', cursor: (await query(alice, { limit: 1 })).nextCursor! }];
    for (const params of badParams) {
      const response = await rest(aliceToken, params);
      expect({ params, status: response.status }).toEqual({ params, status: 400 });
      expect(response.body.error!.code).toMatch(/^audit\.invalid_(filter|cursor)$/);
    }
    expect((await rest(h.issuer.mint({ tenantId: 'acme', userId: 'carol', scopes: ['memory:read'] }))).status).toBe(403);
  });
});
