import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_REQUEST_JSON_DEPTH } from '#core';
import { findChainBreak, type RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { connect, errorOf, MODERN_REVISION, postMcp, postToolCall, REVISIONS, wireRequest, type McpSession } from './support/mcp-session.js';

const ALL_SCOPES = ['memory:read', 'memory:write', 'memory:tenant'];
/** A tenant's calls of one tool before the rate limit refuses; the refill (one call per 100 s) never adds one during the suite. */
const RATE_BURST = 40;
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const nestedValue = (depth: number): unknown => JSON.parse(nested(depth));

/**
 * Every behaviour of the front door, on each store and on each protocol revision: through the SDK
 * client of that revision, and as raw requests shaped the way that client sends them.
 */
describe.each(['sqlite', 'postgres'] as const)('MCP front door on %s', (kind) => {
  let h: PlatformHarness;

  beforeAll(async () => {
    h = await startPlatformOn(kind, { LEDGERLINE_TOOL_RATE_PER_SEC: '0.01', LEDGERLINE_TOOL_RATE_BURST: String(RATE_BURST) });
  });
  afterAll(async () => h?.stop());

  describe.each(REVISIONS)('on revision %s', (revision) => {
    const era = revision === MODERN_REVISION ? 'modern' : 'legacy';
    const tenant = `acme-${kind}-${era}`;
    const intruderTenant = `intruder-${kind}-${era}`;
    let alice: McpSession;
    const session = (tenantId: string, userId: string, scopes: string[], clientId?: string): Promise<McpSession> =>
      connect(h.platform, h.issuer.mint({ tenantId, userId, scopes, ...(clientId === undefined ? {} : { clientId }) }), { revision });

    beforeAll(async () => {
      alice = await session(tenant, 'alice', ALL_SCOPES, 'claude');
    });
    afterAll(async () => alice?.close());

    const tenantEvents = async (t = tenant): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: t }));

    it('lists exactly the tools the token may call, with truthful annotations', async () => {
      const { tools } = await alice.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['memory_delete', 'memory_get', 'memory_list', 'memory_put']);
      const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
      expect(byName.memory_get!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(byName.memory_put!.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
      expect(byName.memory_put!.inputSchema.required).toEqual(expect.arrayContaining(['key', 'value']));

      const reader = await session(tenant, 'bob', ['memory:read']);
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
      const intruder = await session(intruderTenant, 'alice', ALL_SCOPES);
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

    it('answers invalid arguments and an unknown tool with a tool error and appends nothing', async () => {
      const before = await tenantEvents();
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['memory_put', { namespace: 'notes', key: 'has space', value: 1 }, 'tool.invalid_arguments'],
        ['memory_put', { namespace: 'Notes!', key: 'k', value: 1 }, 'tool.invalid_arguments'],
        ['memory_put', { namespace: 'notes', key: 'k' }, 'tool.invalid_arguments'],
        ['memory_put', { namespace: 'notes', key: 'k', value: 1, tenantId: 'other' }, 'tool.invalid_arguments'],
        ['memory_put', { namespace: 'notes', key: 'k', value: 'x'.repeat(70_000) }, 'memory.value_too_large'],
        ['memory_delete', { namespace: 'notes', key: 'never-put' }, 'memory.not_found'],
        ['memory_list', { namespace: 'notes', limit: 0 }, 'tool.invalid_arguments'],
        ['no_such_tool', {}, 'tool.unknown'],
      ];
      for (const [name, args, code] of cases) expect([name, args, errorOf(await alice.callTool({ name, arguments: args })).code]).toEqual([name, args, code]);
      expect(await tenantEvents()).toEqual(before);
    });

    it('answers a tools/call whose params are malformed with JSON-RPC -32602, its id echoed, before any tool runs', async () => {
      const token = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ALL_SCOPES });
      const before = await tenantEvents();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ name: 42, arguments: { namespace: 'notes', key: 'k', value: 1 } }, 'params.name must be a string'],
        [{ name: 'memory_put', arguments: [{ namespace: 'notes', key: 'k', value: 1 }] }, 'params.arguments must be an object'],
        [{ name: 'memory_put', arguments: 'namespace=notes' }, 'params.arguments must be an object'],
      ];
      for (const [index, [params, problem]] of cases.entries()) {
        const answer = await postMcp(h.platform, token, revision, { id: 70 + index, method: 'tools/call', params });
        expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { jsonrpc: '2.0', id: 70 + index, error: { code: -32602, message: `Invalid params: ${problem}` } } });
      }
      expect(await tenantEvents()).toEqual(before);
    });

    it('returns the first result for a repeated idempotency key and refuses it for other arguments', async () => {
      const call = (value: string) => alice.callTool({ name: 'memory_put', arguments: { namespace: 'idem', key: 'k', value }, _meta: { 'io.ledgerline/idempotency-key': 'put-1' } });
      const first = await call('v1');
      expect(first.structuredContent).toMatchObject({ changed: true, streamVersion: 1 });
      const before = await tenantEvents();
      expect(before.filter((e) => e.streamId === 'memory:user:alice:idem')).toHaveLength(1);
      const again = await call('v1');
      expect(again.structuredContent).toEqual(first.structuredContent);
      expect(await tenantEvents()).toEqual(before);
      expect(errorOf(await call('v2')).code).toBe('append.idempotency_key_reused');
      expect(await tenantEvents()).toEqual(before);
      // The key is the tenant's: the same key elsewhere in the tenant is the same key.
      expect(errorOf(await alice.callTool({ name: 'memory_put', arguments: { namespace: 'idem-other', key: 'k', value: 'v1' }, _meta: { 'io.ledgerline/idempotency-key': 'put-1' } })).code)
        .toBe('append.idempotency_key_reused');
      expect(await tenantEvents()).toEqual(before);
    });

    it('answers audit_query with the caller tenant trail only, filtered, newest first, paged', async () => {
      const auditor = await session(tenant, 'carol', ['audit:read']);
      const intruder = await session(intruderTenant, 'carol', ['audit:read']);
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

    it('gets 403 with the needed scope when the token lacks it, before the arguments are even read, and appends nothing', async () => {
      const before = await tenantEvents();
      const token = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['memory:read'] });
      // Arguments that would be refused as invalid: the scope is checked first.
      for (const args of [{ key: 'k', value: 1 }, { key: 'has space' }]) {
        const { answer } = await postToolCall(h.platform, token, revision, { name: 'memory_put', arguments: args });
        expect(answer.status).toBe(403);
        expect(answer.headers.get('www-authenticate')).toBe(
          `Bearer error="insufficient_scope", scope="memory:write", resource_metadata="${h.platform.url}/.well-known/oauth-protected-resource/mcp"`,
        );
      }
      // Through the SDK client, the same refusal rejects the call: it is not a tool result the model could misread.
      const noWrite = await session(tenant, 'alice', ['memory:read']);
      await expect(noWrite.callTool({ name: 'memory_put', arguments: { key: 'k', value: 1 } })).rejects.toThrow(/403|insufficient.scope/i);
      await noWrite.close();
      const noTenantScope = await session(tenant, 'alice', ['memory:read', 'memory:write']);
      expect(errorOf(await noTenantScope.callTool({ name: 'memory_put', arguments: { scope: 'tenant', key: 'k', value: 1 } })).code).toBe('auth.insufficient_scope');
      await noTenantScope.close();
      expect(await tenantEvents()).toEqual(before);
    });

    it("rate-limits each tenant's calls of each tool, answering the excess with tool.rate_limited and when to retry", async () => {
      const busy = await session(`busy-${kind}-${era}`, 'dana', ALL_SCOPES);
      const quiet = await session(`quiet-${kind}-${era}`, 'erin', ALL_SCOPES);
      try {
        for (let call = 0; call < RATE_BURST; call++) expect((await busy.callTool({ name: 'memory_list', arguments: {} })).isError).toBeFalsy();
        const refused = errorOf(await busy.callTool({ name: 'memory_list', arguments: {} }));
        expect(refused).toMatchObject({ code: 'tool.rate_limited', kind: 'rate_limited', details: { tool: 'memory_list', retryAfterMs: expect.any(Number) } });
        expect(refused.details!.retryAfterMs).toBeGreaterThan(0);
        // Per tool and per tenant: the busy tenant's other tools, and other tenants, are served.
        expect(errorOf(await busy.callTool({ name: 'memory_get', arguments: { key: 'absent' } })).code).toBe('memory.not_found');
        expect((await quiet.callTool({ name: 'memory_list', arguments: {} })).structuredContent).toMatchObject({ keys: [] });
      } finally {
        await busy.close();
        await quiet.close();
      }
    });

    it(`refuses tool arguments nested more than ${MAX_REQUEST_JSON_DEPTH} levels deep with tool.arguments_too_deep, appending nothing`, async () => {
      // The arguments object is the first level: a value nested depth-1 levels makes arguments `depth` deep.
      const put = (depth: number) => alice.callTool({ name: 'memory_put', arguments: { namespace: 'deep', key: `d${depth}`, value: nestedValue(depth - 1) } });
      expect((await put(MAX_REQUEST_JSON_DEPTH)).structuredContent).toMatchObject({ changed: true });
      const before = await tenantEvents();
      expect(errorOf(await put(MAX_REQUEST_JSON_DEPTH + 1))).toEqual({
        code: 'tool.arguments_too_deep', kind: 'validation', message: expect.any(String), details: { tool: 'memory_put', maxDepth: MAX_REQUEST_JSON_DEPTH },
      });
      expect(await tenantEvents()).toEqual(before);
    });

    // On 2026-07-28 too: the modern leg gets the parsed body as is (re-serialising it overflowed the stack once).
    it('answers arguments nested 10,000 levels deep with tool.arguments_too_deep, not an internal error', async () => {
      const before = await tenantEvents();
      const request = { method: 'tools/call', params: { name: 'memory_put', arguments: { namespace: 'deep', key: 'k', value: '<deep>' } } };
      const answer = await postMcp(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ALL_SCOPES }), revision, request, {
        body: wireRequest(revision, request).body.replace('"<deep>"', nested(10_000)),
      });
      expect(answer.status).toBe(200);
      expect(errorOf(answer.body.result).code).toBe('tool.arguments_too_deep');
      expect(await tenantEvents()).toEqual(before);
    });

    it("takes the caller's X-Request-Id as the call's correlation id (response header and event metadata), and makes one for a malformed id", async () => {
      const token = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ALL_SCOPES });
      const put = (key: string, requestId: string) =>
        postToolCall(h.platform, token, revision, { name: 'memory_put', arguments: { namespace: 'ids', key, value: 1 } }, { headers: { 'X-Request-Id': requestId } });
      const correlationOf = async (key: string): Promise<unknown> => (await tenantEvents()).find((e) => e.streamId === 'memory:user:alice:ids' && (e.data as { key?: string }).key === key)?.metadata.correlationId;

      const given = `req-${kind}-${era}-1`;
      const taken = await put('given', given);
      expect(taken.result?.structuredContent).toMatchObject({ changed: true });
      expect(taken.answer.headers.get('x-request-id')).toBe(given);
      expect(await correlationOf('given')).toBe(given);

      const made = await put('made', 'bad id with spaces');
      const id = made.answer.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(await correlationOf('made')).toBe(id);
    });
  });
});
