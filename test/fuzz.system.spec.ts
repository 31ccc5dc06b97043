import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

/**
 * Hostile input at every entry point, generated (fast-check): JSON-RPC envelopes and tool
 * arguments at /mcp, bodies of the admin REST API. Invariants: never a 5xx or a crash, always a
 * typed error (`{ error: { code } }` for REST, a tool error with a code, or a JSON-RPC error), and
 * nothing appended when the input is refused.
 */
const SCOPES = [
  'memory:read', 'memory:write', 'memory:tenant', 'memory:admin', 'audit:read', 'connectors:admin', 'connectors:read', 'automations:admin',
  'runs:read', 'runs:cancel', 'runs:admin', 'approvals:decide', 'compliance:export', 'compliance:purge', 'compliance:admin',
];
const TOOLS = ['memory_put', 'memory_get', 'memory_list', 'memory_delete', 'audit_query', 'connector_register', 'connector_secret_set', 'connector_list', 'automation_publish', 'run_get', 'run_list', 'run_cancel', 'approval_list', 'approval_decide'];
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const nastyKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'toString', '$sealed', '{{secret}}', '../..', '\u0000'));
const nastyString = fc.oneof(fc.string({ maxLength: 50 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('{{secret}}', '{{input.__proto__}}', '{{steps.x.output}}', 'http://169.254.169.254/', '../../etc/passwd', "' OR 1=1 --", 'x'.repeat(5000)));
const deep = fc.integer({ min: 50, max: 400 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
});
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, key: nastyKey, values: [fc.boolean(), fc.integer(), fc.double(), nastyString, fc.constant(null)] }),
  fc.dictionary(nastyKey, fc.oneof(nastyString, fc.integer(), fc.constant(null), fc.array(nastyString, { maxLength: 3 })), { maxKeys: 6 }),
  fc.record({ namespace: nastyString, key: nastyString, value: fc.anything({ maxDepth: 2 }), scope: fc.constantFrom('user', 'tenant', 'other') }, { requiredKeys: [] }),
  fc.record({ name: nastyString, config: fc.anything({ maxDepth: 2 }), definition: fc.anything({ maxDepth: 3 }), runId: nastyString, approvalId: nastyString }, { requiredKeys: [] }),
  deep,
);

describe.each(['sqlite', 'postgres'] as const)('fuzzing the entry points on %s', (kind) => {
  let h: PlatformHarness;
  const tenant = `fuzz-${kind}`;
  let token: string;
  let id = 0;
  const logLength = async () => h.store.committedPosition(tenant);
  const mcp = (body: string) =>
    fetch(`${h.platform.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body,
    });

  beforeAll(async () => {
    h = await startPlatformOn(kind, { LEDGERLINE_TOOL_RATE_PER_SEC: '100000', LEDGERLINE_TOOL_RATE_BURST: '100000' });
    token = h.issuer.mint({ tenantId: tenant, userId: 'fuzzer', scopes: SCOPES });
  });
  afterAll(async () => h?.stop());

  it('answers any tool arguments with a result or a typed tool error, never a 5xx, and appends nothing when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TOOLS), hostile, async (name, args) => {
        const before = await logLength();
        const response = await mcp(JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name, arguments: args } }));
        expect(response.status).toBeLessThan(500);
        const body = (await response.json()) as { result?: { isError?: boolean; content: Array<{ text: string }> }; error?: { code: number } };
        if (body.error) {
          expect(typeof body.error.code).toBe('number');
          expect(body.error.code).not.toBe(-32603); // internal error: a crash behind the tool
        } else if (body.result?.isError) {
          const { error } = JSON.parse(body.result.content[0]!.text) as { error: { code: string; kind: string } };
          expect(error.code).toMatch(/^[a-z_]+\.[a-z_.]+$/);
          expect(error.kind).not.toBe('internal');
        }
        if (body.error || body.result?.isError) expect(await logLength()).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any JSON-RPC envelope (or non-JSON body) without a 5xx, and appends nothing', async () => {
    const envelope = fc.oneof(
      fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
      fc.record({ jsonrpc: fc.oneof(fc.constant('2.0'), nastyString), id: fc.oneof(fc.integer(), nastyString, fc.constant(null)), method: fc.oneof(fc.constantFrom('tools/call', 'tools/list', 'initialize', 'ping', 'resources/list'), nastyString), params: hostile }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(envelope, async (body) => {
        const before = await logLength();
        const response = await mcp(body);
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
        expect(await logLength()).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any body at the admin REST API with a success or a typed 4xx, and appends nothing when it refuses', async () => {
    const endpoints: Array<[string, string]> = [
      ['PUT', '/v1/connectors/fuzzed'], ['PUT', '/v1/connectors/fuzzed/secret'], ['POST', '/v1/automations'], ['POST', '/v1/approvals/a-1/decision'],
      ['POST', '/v1/runs/run-00000000-0000-0000-0000-000000000000/cancel'], ['POST', '/v1/compliance/purges'], ['PUT', '/v1/memory/retention'], ['PUT', '/v1/compliance/retention'], ['POST', '/v1/tenants'],
    ];
    const rawBody = fc.oneof(hostile.map((value) => JSON.stringify(value) ?? 'null'), fc.string({ maxLength: 100 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), rawBody, async ([method, path], body) => {
        const before = await logLength();
        const response = await fetch(`${h.platform.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
        expect(response.status).toBeLessThan(500);
        const text = await response.text();
        if (response.status >= 400) {
          // Typed: our `{ error: { code } }`, or an OAuth challenge's `{ error: "insufficient_scope" }` (RFC 6750).
          const parsed = JSON.parse(text) as { error?: string | { code?: unknown } };
          expect(typeof parsed.error === 'string' || typeof parsed.error?.code === 'string').toBe(true);
          expect(await logLength()).toBe(before);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
