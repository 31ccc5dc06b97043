import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { findChainBreak, type RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { connect, errorOf } from './support/mcp-session.js';

const ALL_SCOPES = ['memory:read', 'memory:write', 'memory:tenant'];

describe.each(['sqlite', 'postgres'] as const)('MCP front door on %s', (kind) => {
  let h: PlatformHarness;
  let alice: Client;
  let tenant: string;

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    tenant = `acme-${kind}`;
    alice = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', clientId: 'claude', scopes: ALL_SCOPES }));
  });
  afterAll(async () => {
    await alice?.close();
    await h?.stop();
  });

  const tenantEvents = async (t = tenant): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: t }));

  it('lists exactly the tools the token may call, with truthful annotations', async () => {
    const { tools } = await alice.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['memory_delete', 'memory_get', 'memory_list', 'memory_put']);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.memory_get!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.memory_put!.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    expect(byName.memory_put!.inputSchema.required).toEqual(expect.arrayContaining(['key', 'value']));

    const reader = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'bob', scopes: ['memory:read'] }));
    expect((await reader.listTools()).tools.map((t) => t.name).sort()).toEqual(['memory_get', 'memory_list']);
    await reader.close();
  });

  it('appends exactly the expected event with full metadata for an authorised call', async () => {
    const before = await tenantEvents();
    const result = await alice.callTool({ name: 'memory_put', arguments: { namespace: 'notes', key: 'greeting', value: { text: 'hello' } } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ scope: 'user', namespace: 'notes', key: 'greeting', changed: true, streamVersion: 1 });
    const after = await tenantEvents();
    expect(after).toHaveLength(before.length + 1);
    const event = after[after.length - 1]!;
    expect(event).toMatchObject({
      tenantId: tenant,
      streamId: 'memory:user:alice:notes',
      streamVersion: 1,
      type: 'MemoryItemPut',
      data: { key: 'greeting', value: { $sealed: { v: 1, keyId: expect.stringMatching(/^pd\.[0-9a-f]{32}\.k1$/) } }, digest: expect.any(String) },
      metadata: { userId: 'alice', clientId: 'claude', tool: 'memory_put', scopes: ALL_SCOPES },
    });
    // The value is personal data: sealed for alice before it was appended, so the log never holds it in the clear.
    expect(JSON.stringify(event.data)).not.toContain('hello');
    expect(typeof event.metadata.correlationId).toBe('string');
    expect(findChainBreak(after)).toBeUndefined();

    expect((await alice.callTool({ name: 'memory_get', arguments: { namespace: 'notes', key: 'greeting' } })).structuredContent)
      .toEqual({ scope: 'user', namespace: 'notes', key: 'greeting', value: { text: 'hello' } });
    expect((await alice.callTool({ name: 'memory_list', arguments: { namespace: 'notes' } })).structuredContent)
      .toEqual({ scope: 'user', namespace: 'notes', keys: ['greeting'], nextCursor: null });
    const unchanged = await alice.callTool({ name: 'memory_put', arguments: { namespace: 'notes', key: 'greeting', value: { text: 'hello' } } });
    expect(unchanged.structuredContent).toMatchObject({ changed: false });
    expect(await tenantEvents()).toHaveLength(after.length);
  });

  it('never lets another tenant read or write, through any tool', async () => {
    await alice.callTool({ name: 'memory_put', arguments: { scope: 'tenant', namespace: 'shared', key: 'secret', value: 'of-acme' } });
    await alice.callTool({ name: 'memory_put', arguments: { namespace: 'private', key: 'secret', value: 'alice-only' } });
    const mine = await tenantEvents();
    const intruderTenant = `intruder-${kind}`;
    const intruder = await connect(h.platform, h.issuer.mint({ tenantId: intruderTenant, userId: 'alice', scopes: ALL_SCOPES }));
    try {
      for (const [scope, namespace] of [['tenant', 'shared'], ['user', 'private']] as const) {
        expect(errorOf(await intruder.callTool({ name: 'memory_get', arguments: { scope, namespace, key: 'secret' } })).code).toBe('memory.not_found');
        expect((await intruder.callTool({ name: 'memory_list', arguments: { scope, namespace } })).structuredContent).toMatchObject({ keys: [] });
        expect(errorOf(await intruder.callTool({ name: 'memory_delete', arguments: { scope, namespace, key: 'secret' } })).code).toBe('memory.not_found');
        await intruder.callTool({ name: 'memory_put', arguments: { scope, namespace, key: 'secret', value: 'overwritten' } });
      }
      expect(await tenantEvents()).toEqual(mine);
      expect((await tenantEvents(intruderTenant)).every((e) => e.tenantId === intruderTenant)).toBe(true);
      expect((await alice.callTool({ name: 'memory_get', arguments: { scope: 'tenant', namespace: 'shared', key: 'secret' } })).structuredContent).toMatchObject({ value: 'of-acme' });
    } finally {
      await intruder.close();
    }
  });

  it('answers invalid arguments with a tool error and appends nothing', async () => {
    const before = await tenantEvents();
    const cases: Array<[string, Record<string, unknown>]> = [
      ['memory_put', { namespace: 'notes', key: 'has space', value: 1 }],
      ['memory_put', { namespace: 'Notes!', key: 'k', value: 1 }],
      ['memory_put', { namespace: 'notes', key: 'k' }],
      ['memory_put', { namespace: 'notes', key: 'k', value: 1, tenantId: 'other' }],
      ['memory_put', { namespace: 'notes', key: 'k', value: 'x'.repeat(70_000) }],
      ['memory_delete', { namespace: 'notes', key: 'never-put' }],
      ['memory_list', { namespace: 'notes', limit: 0 }],
    ];
    for (const [name, args] of cases) {
      const error = errorOf(await alice.callTool({ name, arguments: args }));
      expect(['tool.invalid_arguments', 'memory.value_too_large', 'memory.not_found']).toContain(error.code);
    }
    expect(errorOf(await alice.callTool({ name: 'no_such_tool', arguments: {} })).code).toBe('tool.unknown');
    expect(await tenantEvents()).toEqual(before);
  });

  it('returns the first result for a repeated idempotency key and refuses it for other arguments', async () => {
    const call = (value: string) => alice.callTool({ name: 'memory_put', arguments: { namespace: 'idem', key: 'k', value }, _meta: { 'io.ledgerline/idempotency-key': 'put-1' } });
    const first = await call('v1');
    const before = await tenantEvents();
    const again = await call('v1');
    expect(again.structuredContent).toEqual(first.structuredContent);
    expect(await tenantEvents()).toEqual(before);
    expect(errorOf(await call('v2')).code).toBe('append.idempotency_key_reused');
    expect(await tenantEvents()).toEqual(before);
  });

  it('answers audit_query with the caller tenant trail only, filtered, newest first, paged', async () => {
    const auditor = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'carol', scopes: ['audit:read'] }));
    const intruder = await connect(h.platform, h.issuer.mint({ tenantId: `intruder-${kind}`, userId: 'carol', scopes: ['audit:read'] }));
    try {
      expect((await auditor.listTools()).tools.map((t) => t.name)).toEqual(['audit_query']);
      const expected = (await tenantEvents()).filter((e) => e.metadata.userId === 'alice' && e.metadata.tool === 'memory_put').reverse();
      expect(expected.length).toBeGreaterThan(2);
      const all = (await auditor.callTool({ name: 'audit_query', arguments: { userId: 'alice', tool: 'memory_put', limit: 200 } })).structuredContent as {
        entries: Array<{ position: number; userId: string; tool: string; streamId: string; correlationId: string }>;
        nextCursor: number | null;
      };
      expect(all.entries.map((e) => e.position)).toEqual(expected.map((e) => e.globalPosition));
      expect(all.entries.every((e) => e.userId === 'alice' && e.tool === 'memory_put')).toBe(true);
      expect(all.nextCursor).toBeNull();

      const first = (await auditor.callTool({ name: 'audit_query', arguments: { limit: 1 } })).structuredContent as { entries: Array<{ position: number }>; nextCursor: number };
      const second = (await auditor.callTool({ name: 'audit_query', arguments: { limit: 1, cursor: first.nextCursor } })).structuredContent as { entries: Array<{ position: number }> };
      expect(second.entries[0]!.position).toBeLessThan(first.entries[0]!.position);
      const future = (await auditor.callTool({ name: 'audit_query', arguments: { from: '2999-01-01T00:00:00.000Z' } })).structuredContent as { entries: unknown[] };
      expect(future.entries).toEqual([]);
      expect(errorOf(await auditor.callTool({ name: 'audit_query', arguments: { from: 'yesterday' } })).code).toBe('tool.invalid_arguments');

      const foreign = JSON.stringify((await intruder.callTool({ name: 'audit_query', arguments: { limit: 200 } })).structuredContent);
      for (const event of expected) expect(foreign).not.toContain(String(event.metadata.correlationId));
      expect(foreign).not.toContain('"alice"' + ',"clientId":"claude"');
    } finally {
      await auditor.close();
      await intruder.close();
    }
  });

  it('gets 403 with the needed scope when the token lacks it, and appends nothing', async () => {
    const before = await tenantEvents();
    const token = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['memory:read'] });
    const response = await fetch(`${h.platform.url}/mcp`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'memory_put', arguments: { key: 'k', value: 1 } } }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", scope="memory:write", resource_metadata="${h.platform.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    const noTenantScope = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['memory:read', 'memory:write'] }));
    expect(errorOf(await noTenantScope.callTool({ name: 'memory_put', arguments: { scope: 'tenant', key: 'k', value: 1 } })).code).toBe('auth.insufficient_scope');
    await noTenantScope.close();
    expect(await tenantEvents()).toEqual(before);
  });
});
