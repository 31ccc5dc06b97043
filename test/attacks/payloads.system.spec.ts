import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPlatformOn, type PlatformHarness } from '../support/platform-harness.js';
import { rest, type RestAnswer } from '../support/rest.js';

/**
 * Oversized and deeply nested payloads at /mcp and the REST API: bodies over the size limit, JSON
 * nested far deeper than any validator can recurse, huge strings and arrays in tool arguments,
 * JSON-RPC batches, long headers, and memory values on either side of LEDGERLINE_MAX_EVENT_BYTES.
 * Every refusal is typed and 4xx, appends nothing, and the platform keeps serving.
 */
const MAX_EVENT_BYTES = 4096;
const BURST = 20;
const TENANT = 'acme-payloads';

interface RpcAnswer {
  id: number;
  result?: { isError?: boolean; content: Array<{ text: string }>; structuredContent?: Record<string, unknown> };
  error?: { code: number; message: string };
}

const nestedObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const toolCall = (id: number, name: string, args: unknown): Record<string, unknown> => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
const toolErrorCode = (answer: RpcAnswer): string | undefined =>
  answer.result?.isError ? (JSON.parse(answer.result.content[0]!.text) as { error: { code: string } }).error.code : undefined;

describe('oversized and deeply nested payloads', () => {
  let h: PlatformHarness;
  let allScopes: string[];
  let token: string;
  const log = (): Promise<number> => h.store.committedPosition();
  const mcp = (body: unknown, bearer = token, headers: Record<string, string> = {}): Promise<RestAnswer> =>
    rest(h.platform.url, 'POST', '/mcp', bearer, body, { Accept: 'application/json, text/event-stream', ...headers });
  const tool = async (name: string, args: unknown, bearer = token): Promise<RpcAnswer> => (await mcp(toolCall(1, name, args), bearer)).body as unknown as RpcAnswer;
  const mint = (tenantId: string, scopes = allScopes): string => h.issuer.mint({ tenantId, userId: 'mallory', scopes });

  beforeAll(async () => {
    h = await startPlatformOn('sqlite', { LEDGERLINE_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES), LEDGERLINE_TOOL_RATE_PER_SEC: '0.1', LEDGERLINE_TOOL_RATE_BURST: String(BURST) });
    const metadata = (await (await fetch(`${h.platform.url}/.well-known/oauth-protected-resource`)).json()) as { scopes_supported: string[] };
    // And the scope of the automation the routes' placeholder names (automation:x, which the dry-runs route asks for): every body-reading route reaches its checks.
    allScopes = [...metadata.scopes_supported, 'automation:x'];
    token = mint(TENANT);
  });
  afterAll(async () => h?.stop());

  it('refuses bodies over the size limit with a typed 413 at /mcp and at REST, appending nothing', async () => {
    const before = await log();
    const huge = 'x'.repeat(200 * 1024);
    const answers = [
      await mcp(toolCall(1, 'memory_put', { scope: 'user', namespace: 'n', key: 'k', value: huge })),
      await rest(h.platform.url, 'PUT', '/v1/memory/retention', token, { days: huge }),
      await rest(h.platform.url, 'POST', '/v1/automations', token, { definition: { name: huge } }),
      await rest(h.platform.url, 'PUT', '/v1/connectors/erp/secret', token, { secret: huge }),
    ];
    for (const answer of answers) expect({ status: answer.status, body: answer.body }).toEqual({ status: 413, body: { error: { code: 'request.too_large', message: expect.any(String), details: {} } } });
    expect(await log()).toBe(before);
  });

  it('answers JSON nested 10,000 to 50,000 levels deep with a typed 4xx at /mcp, and keeps serving', async () => {
    const before = await log();
    const raw = await mcp(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    expect(raw.status).toBe(400);
    // It is JSON, and no JSON-RPC message: Invalid Request (-32600), as the SDK v2's classifier answers a batch of non-messages.
    expect((raw.body.error as { code: number }).code).toBe(-32600);
    for (const [name, args] of [
      ['memory_put', `{"scope":"user","namespace":"n","key":"k","value":${nestedObject(10_000)}}`],
      ['automation_publish', `{"definition":${nestedObject(10_000)}}`],
      ['connector_register', `{"name":"erp","config":${nestedObject(10_000)}}`],
      ['audit_query', `{"type":${'['.repeat(30_000)}${']'.repeat(30_000)}}`],
    ] as const) {
      const answer = await mcp(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"${name}","arguments":${args}}}`);
      expect([name, answer.status, toolErrorCode(answer.body as unknown as RpcAnswer)]).toEqual([name, 200, 'tool.arguments_too_deep']);
    }
    expect(await log()).toBe(before);
    expect((await fetch(`${h.platform.url}/healthz`)).status).toBe(200);
    expect(toolErrorCode(await tool('memory_get', { scope: 'user', namespace: 'n', key: 'absent' }))).toBe('memory.not_found');
  });

  it('answers a body nested 10,000 levels deep with a typed 400 on every REST route that reads one, and keeps serving', async () => {
    const document = (await (await fetch(`${h.platform.url}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).filter(([, operation]) => typeof operation === 'object' && operation !== null && 'requestBody' in operation).map(([m]) => [m.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x')] as const));
    expect(routes.length).toBeGreaterThan(8);
    const before = await log();
    for (const [method, path] of routes) {
      const answer = await rest(h.platform.url, method, path, token, `{"x":${nestedObject(10_000)}}`);
      expect([method, path, answer.status, (answer.body.error as { code?: string } | undefined)?.code]).toEqual([method, path, 400, 'request.too_deep']);
    }
    expect(await log()).toBe(before);
    expect((await rest(h.platform.url, 'GET', '/v1/memory/retention', token)).status).toBe(200);
  });

  it.each([
    ['a key of 10,000 characters', 'memory_put', { scope: 'user', namespace: 'n', key: 'k'.repeat(10_000), value: 1 }],
    ['a namespace of 10,000 characters', 'memory_list', { scope: 'user', namespace: 'n'.repeat(10_000) }],
    ['a value of 70,000 characters', 'memory_put', { scope: 'user', namespace: 'n', key: 'k', value: 'v'.repeat(70_000) }],
    ['a value of 30,000 array items', 'memory_put', { scope: 'user', namespace: 'n', key: 'k', value: Array.from({ length: 30_000 }, () => 0) }],
    ['2,000 allowed hosts', 'connector_register', { name: 'erp', config: { baseUrl: 'https://erp.example.com', allowedHosts: Array.from({ length: 2_000 }, (_, i) => `h${i}.example.com`) } }],
    ['a secret of 90,000 characters', 'connector_secret_set', { name: 'erp', secret: 's'.repeat(90_000) }],
    ['an automation of 2,000 steps', 'automation_publish', { definition: { name: 'big', title: 't', description: 'd', inputSchema: { type: 'object' }, steps: Array.from({ length: 2_000 }, (_, i) => ({ id: `s${i}`, type: 'wait', seconds: 1 })) } }],
    ['success criteria of a huge run count', 'automation_publish', { definition: { name: 'big' }, inShadow: true, successCriteria: { minRuns: 1e300 } }],
    ['an override reason of 10,000 characters', 'automation_promote', { name: 'x', override: { reason: 'r'.repeat(10_000) } }],
    ['an automation name of 10,000 characters', 'automation_shadow_report', { name: 'n'.repeat(10_000) }],
    ['an audit filter of 10,000 characters', 'audit_query', { type: 't'.repeat(10_000) }],
    ['a run id of 10,000 characters', 'run_get', { runId: 'r'.repeat(10_000) }],
    ['a reason of 50,000 characters', 'approval_decide', { approvalId: 'a', decision: 'approve', reason: 'r'.repeat(50_000) }],
  ])('refuses %s in tool arguments with a typed validation error, appending nothing', async (_what, name, args) => {
    const before = await log();
    const answer = await tool(name, args);
    expect(answer.result?.isError).toBe(true);
    const { error } = JSON.parse(answer.result!.content[0]!.text) as { error: { code: string; kind: string } };
    expect(error.kind).toBe('validation');
    expect(error.code).toMatch(/^[a-z_]+\.[a-z_.]+$/);
    expect(await log()).toBe(before);
  });

  it('puts a memory value whose event is just under LEDGERLINE_MAX_EVENT_BYTES, and refuses one byte more, typed, appending nothing', async () => {
    const put = (length: number): Promise<RpcAnswer> => tool('memory_put', { scope: 'user', namespace: 'edge', key: `k${length}`, value: 'v'.repeat(length) }, mint(`${TENANT}-edge-${length}`));
    // The event's size is the value's plus envelope and sealing overhead: find the largest value that fits.
    let fits = 0;
    let tooBig = MAX_EVENT_BYTES;
    while (tooBig - fits > 1) {
      const middle = Math.floor((fits + tooBig) / 2);
      if ((await put(middle)).result?.isError) tooBig = middle;
      else fits = middle;
    }
    expect(fits).toBeGreaterThan(MAX_EVENT_BYTES / 2);
    const before = await log();
    const over = await put(tooBig);
    expect(JSON.parse(over.result!.content[0]!.text)).toMatchObject({ error: { code: 'append.event_too_large', kind: 'validation', details: { limit: MAX_EVENT_BYTES, bytes: expect.any(Number) } } });
    const { bytes } = (JSON.parse(over.result!.content[0]!.text) as { error: { details: { bytes: number } } }).error.details;
    expect(bytes).toBeGreaterThan(MAX_EVENT_BYTES);
    expect(bytes).toBeLessThanOrEqual(MAX_EVENT_BYTES + 8);
    expect(await log()).toBe(before);
    expect((await put(fits)).result?.structuredContent).toMatchObject({ changed: false });
  });

  it('takes a JSON-RPC batch call by call: each one scoped, rate limited and answered on its own', async () => {
    const batchToken = mint(`${TENANT}-batch`);
    const before = await log();
    // One namespace (stream) per call: calls of a batch run concurrently, and writes to one stream would conflict.
    const calls = Array.from({ length: 50 }, (_, i) => toolCall(i + 1, 'memory_put', { scope: 'user', namespace: `batch${i}`, key: 'k', value: i }));
    const answer = await mcp(calls, batchToken);
    expect(answer.status).toBe(200);
    const answers = answer.body as unknown as RpcAnswer[];
    expect(answers).toHaveLength(50);
    const codes = answers.map(toolErrorCode);
    const accepted = codes.filter((code) => code === undefined).length;
    expect(accepted).toBeGreaterThanOrEqual(BURST);
    expect(accepted).toBeLessThanOrEqual(BURST + 1);
    expect(codes.filter((code) => code !== undefined).every((code) => code === 'tool.rate_limited')).toBe(true);
    expect(await log()).toBe(before + accepted);

    // One call in the batch without its scope refuses the whole batch before any call runs.
    const reader = mint(`${TENANT}-batch`, ['memory:read']);
    const mixed = await mcp([toolCall(1, 'memory_get', { scope: 'user', namespace: 'batch0', key: 'k' }), toolCall(2, 'memory_delete', { scope: 'user', namespace: 'batch0', key: 'k' })], reader);
    expect(mixed.status).toBe(403);
    expect(mixed.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="memory:write"');
    expect(await log()).toBe(before + accepted);
  });

  it('refuses header values over the server limit (431) and a huge bearer token (401), and keeps serving', async () => {
    const before = await log();
    const long = await fetch(`${h.platform.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-filler': 'a'.repeat(64 * 1024) }, body: '{}' });
    expect(long.status).toBe(431);
    const garbage = `${'e'.repeat(6000)}.${'p'.repeat(6000)}.${'s'.repeat(1000)}`;
    for (const answer of [await mcp(toolCall(1, 'memory_put', { scope: 'user', namespace: 'n', key: 'k', value: 1 }), garbage), await rest(h.platform.url, 'PUT', '/v1/memory/retention', garbage, { days: 1 })]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(answer.text).not.toContain('pppppppppp');
    }
    expect(await log()).toBe(before);
    expect((await fetch(`${h.platform.url}/healthz`)).status).toBe(200);
  });
});
