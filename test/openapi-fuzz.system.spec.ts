import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PLATFORM_TENANT } from '#core';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { ensureSchemathesis } from '../deploy/schemathesis/ensure.mjs';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { runSchemathesis, type Exchange } from './support/schemathesis.js';

/**
 * The admin REST API fuzzed from its own OpenAPI document by schemathesis: examples, boundary
 * values, negative (schema-violating) data, fuzzing and stateful sequences, with every check
 * (unsupported_method too: an undeclared method is a 405 with Allow).
 * schemathesis fails on a 5xx, an undocumented status, a response or content type not as
 * documented, data the document allows being refused or data it forbids being accepted. On top,
 * from the requests and responses it recorded: every 4xx is a typed error, no event traces back
 * to a refused request, another tenant's log is untouched, and the platform is still ready.
 */
const TENANT_ADMIN_SCOPES = [
  'audit:read', 'automations:admin', 'runs:read', 'runs:cancel', 'runs:admin', 'approvals:decide',
  'compliance:export', 'compliance:purge', 'connectors:admin', 'connectors:read', 'memory:admin', 'memory:tenant',
  'grants:manage', 'grants:admin', 'clients:admin', 'policies:admin', 'policies:read', 'groups:admin', 'groups:read',
];
/** What only a platform administrator may call: the tenant registry and the operations endpoints. */
const OPERATOR_PATHS = '^/v1/(tenants|admin/(projections|instances|dead-letters|kafka))';
/**
 * Examples per operation: the embedded default gets the deep run; on PostgreSQL, where the REST
 * layer in front is the same code and what differs is the store under it, fewer (the suite was the
 * slowest of the whole run at 25 on both).
 */
const EXAMPLES = { sqlite: process.env.OPENAPI_FUZZ_EXAMPLES ?? '25', postgres: process.env.OPENAPI_FUZZ_EXAMPLES ?? '10' };
const schemathesisArgs = (kind: 'sqlite' | 'postgres') => ['--seed', '7', '--max-examples', EXAMPLES[kind], '--max-failures', '50', '--request-timeout', '20', '--suppress-health-check', 'all'];
/** A well-formed value for each path parameter of the document. */
const PATH_VALUES: Record<string, string> = {
  runId: 'run-00000000-0000-4000-8000-000000000000', approvalId: 'run-00000000-0000-4000-8000-000000000000.approve', name: 'billing', id: 'nobody',
  clientId: 'no-such-client', group: 'finance',
};
/** `{ error: { code, message, details } }`: domain errors and the framework's refusals (apps/platform/src/http). */
const DOMAIN_CODE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
/** RFC 6750 bodies of the bearer guards (401, 403 insufficient_scope) and of the Origin check. */
const AUTH_ERRORS = ['unauthorized', 'invalid_token', 'insufficient_scope', 'forbidden_origin'];

function typedErrorProblem(exchange: Exchange): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(exchange.body);
  } catch {
    return 'not JSON';
  }
  if (!exchange.contentType?.startsWith('application/json')) return `content type ${exchange.contentType}`;
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return typeof code === 'string' && DOMAIN_CODE.test(code) && typeof message === 'string' ? undefined : 'error without a code and a message';
  }
  const description = (body as { error_description?: unknown } | null)?.error_description;
  return typeof error === 'string' && AUTH_ERRORS.includes(error) && typeof description === 'string' ? undefined : 'not a typed error';
}

describe.each(['sqlite', 'postgres'] as const)('the admin REST API fuzzed from its OpenAPI document on %s', (kind) => {
  let h: PlatformHarness;
  const tenantA = `fuzz-a-${kind}`;
  const tenantB = `fuzz-b-${kind}`;
  const exchanges: Exchange[] = [];
  const outputs: string[] = [];
  const exitCodes: number[] = [];
  let headOfB = 0;
  let startA = 0;
  let startPlatform = 0;

  beforeAll(async () => {
    const { installMs } = ensureSchemathesis(); // the first run on a clean machine builds the venv (pip install, ~10-60 s)
    if (installMs > 0) process.stderr.write(`schemathesis installed in ${(installMs / 1000).toFixed(1)} s\n`);
    h = await startPlatformOn(kind, { LEDGERLINE_TOOL_RATE_PER_SEC: '100000', LEDGERLINE_TOOL_RATE_BURST: '100000' });
    const tokenB = h.issuer.mint({ tenantId: tenantB, userId: 'bob', scopes: TENANT_ADMIN_SCOPES });
    const seeded = await fetch(`${h.platform.url}/v1/memory/retention`, {
      method: 'PUT', headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/json' }, body: JSON.stringify({ days: 30 }),
    });
    expect(seeded.status).toBe(200);
    headOfB = await h.store.committedPosition(tenantB);
    expect(headOfB).toBeGreaterThan(0);
    startA = await h.store.committedPosition(tenantA);
    startPlatform = await h.store.committedPosition(PLATFORM_TENANT);

    // Tenant A's administrator on everything a tenant administers; the tenant registry and the
    // operations endpoints apart, by a platform operator of a tenant the fuzzer cannot name, since
    // suspending the caller's own tenant would turn the rest of the run into 403s.
    const tenantAdmin = h.issuer.mint({ tenantId: tenantA, userId: 'fuzzer', scopes: TENANT_ADMIN_SCOPES });
    const operator = h.issuer.mint({ tenantId: `operator-${kind}-5e1f`, userId: 'operator', scopes: ['platform:admin'] });
    for (const [token, filter] of [[tenantAdmin, '--exclude-path-regex'], [operator, '--include-path-regex']] as const) {
      const run = await runSchemathesis(h.platform.url, token, [...schemathesisArgs(kind), filter, OPERATOR_PATHS]);
      exchanges.push(...run.exchanges);
      outputs.push(run.output);
      exitCodes.push(run.exitCode);
    }
  }, 600_000);
  afterAll(async () => h?.stop());

  it('finds no failure: no 5xx, every status, content type, header and body as documented, valid data accepted, invalid refused', () => {
    if (exitCodes.some((code) => code !== 0)) process.stderr.write(outputs.join('\n'));
    expect(exitCodes).toEqual([0, 0]);
    expect(exchanges.length).toBeGreaterThan(200);
    expect(exchanges.filter((e) => e.status >= 500)).toEqual([]);
  });

  it('answers every refusal with a typed error', () => {
    const refused = exchanges.filter((e) => e.status >= 400);
    expect(refused.length).toBeGreaterThan(50);
    const untyped = refused.map((e) => ({ request: `${e.method} ${e.url}`, status: e.status, body: e.body.slice(0, 300), problem: typedErrorProblem(e) })).filter((e) => e.problem);
    expect(untyped).toEqual([]);
  });

  it('appends nothing for a refused request: every new event traces back to an accepted one', async () => {
    // The hooks give each request its own X-Request-Id, which becomes the correlation id of what it appends.
    const accepted = new Set<string | undefined>(exchanges.filter((e) => e.status < 400).map((e) => e.requestId));
    const refused = new Set(exchanges.filter((e) => e.status >= 400 && !accepted.has(e.requestId)).map((e) => e.requestId));
    const events: RecordedEvent[] = [
      ...(await collect(h.store.readAll({ tenantId: tenantA, after: startA }))),
      ...(await collect(h.store.readAll({ tenantId: PLATFORM_TENANT, after: startPlatform }))),
    ];
    const correlationOf = (event: RecordedEvent) => String(event.metadata.correlationId);
    const fromRefused = events.filter((e) => refused.has(correlationOf(e))).map((e) => `${e.type} ← ${e.metadata.correlationId}`);
    expect(fromRefused).toEqual([]);
    // Not vacuous: the fuzzer's accepted writes did append, and were traced.
    expect(events.filter((e) => accepted.has(correlationOf(e))).length).toBeGreaterThan(0);
  });

  it('answers a body that is not JSON, too large or in an unknown encoding with a typed error on every operation that takes one, appending nothing', async () => {
    const token = h.issuer.mint({ tenantId: tenantA, userId: 'fuzzer', scopes: [...TENANT_ADMIN_SCOPES, 'platform:admin'] });
    const document = (await (await fetch(`${h.platform.url}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const writes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).filter(([, operation]) => operation.requestBody !== undefined).map(([method, operation]) => ({ method: method.toUpperCase(), path: path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name]!) })));
    expect(writes.length).toBeGreaterThanOrEqual(9);
    const heads = async () => [await h.store.committedPosition(tenantA), await h.store.committedPosition(PLATFORM_TENANT)];
    const before = await heads();
    const malformed: Array<{ headers: Record<string, string>; body: string; status: number }> = [
      { headers: { 'content-type': 'application/json' }, body: '{"reason": "x",', status: 400 },
      { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ padding: 'x'.repeat(2_000_000) }), status: 413 },
      { headers: { 'content-type': 'application/json', 'content-encoding': 'br2' }, body: '{}', status: 415 },
      { headers: { 'content-type': 'application/json; charset=latin9' }, body: '{}', status: 415 },
    ];
    const answers = [];
    for (const { method, path } of writes) {
      for (const { headers, body, status } of malformed) {
        const response = await fetch(`${h.platform.url}${path}`, { method, headers: { ...headers, authorization: `Bearer ${token}` }, body });
        const exchange = { method, url: path, requestId: undefined, status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: await response.text() };
        answers.push({ request: `${method} ${path} ${headers['content-encoding'] ?? headers['content-type']}`, status: exchange.status, problem: exchange.status === status ? typedErrorProblem(exchange) : `expected ${status}` });
      }
    }
    expect(answers.filter((answer) => answer.problem)).toEqual([]);
    expect(await heads()).toEqual(before);
  });

  it("leaves another tenant's log alone", async () => {
    expect(await h.store.committedPosition(tenantB)).toBe(headOfB);
  });

  it('is still running and ready afterwards', async () => {
    const ready = await fetch(`${h.platform.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});
