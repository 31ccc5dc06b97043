import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startFixtureServer, type FixtureRequest, type FixtureServer } from '../support/fixture-server.js';
import { callOk, connect, errorOf } from '../support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from '../support/platform-harness.js';
import { waitForRun, type RunView } from '../support/runs.js';
import { scanForSecret } from '../support/secret-scan.js';

/**
 * Template injection through connector requests. Run input (which agents, end users and remote
 * systems control) lands in the path, query, a header and the body of a call: whatever it holds
 * (template syntax, CR/LF, dot segments, URL authority tricks, prototype keys) arrives at the
 * downstream literally, or the step is refused with a typed error before anything is sent.
 * Templates (which tenant admins write) can read the run's input and step outputs only: never a
 * secret, another connector, the environment or the process. Secrets never come back.
 */
const TENANT = 'acme-injection';
const ERP_SECRET = 'erp_s3cret_injection_value';
const VAULT_SECRET = 'vault_s3cret_other_connector';

const echo = {
  name: 'echo', title: 'Echo', description: 'Sends its input everywhere a template can put it.',
  inputSchema: { type: 'object', properties: { p: { type: 'string' }, q: { type: 'string' }, h: { type: 'string' }, b: {} }, required: ['p', 'q', 'h', 'b'] },
  steps: [{
    id: 'send', type: 'call', connector: 'erp',
    request: { method: 'POST', path: '/items/{{input.p}}', query: { q: '{{input.q}}' }, headers: { 'X-Note': 'note {{input.h}}' }, body: { payload: '{{input.b}}', text: 'q={{input.q}}' } },
  }],
};

describe('template injection in connector requests', () => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let admin: Client;
  let agent: Client;
  const results: unknown[] = [];

  /** Runs echo with `input` (defaults for the rest) and returns the run and what the downstream received. */
  const run = async (input: Record<string, unknown>): Promise<{ run: RunView; received: FixtureRequest[]; stepFailure: Record<string, unknown> | undefined }> => {
    const before = fixture.requests.length;
    const { runId } = await callOk<{ runId: string }>(agent, 'echo', { p: 'p', q: 'q', h: 'h', b: 'b', ...input });
    const view = await waitForRun(agent, runId);
    results.push(view);
    const failed = (await h.store.readStream(TENANT, runId)).find((event) => event.type === 'StepFailed');
    return { run: view, received: fixture.requests.slice(before), stepFailure: failed?.data as Record<string, unknown> | undefined };
  };

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn('sqlite', { LEDGERLINE_TOOL_RATE_PER_SEC: '1000', LEDGERLINE_TOOL_RATE_BURST: '1000' });
    admin = await connect(h.platform, h.issuer.mint({ tenantId: TENANT, userId: 'admin', scopes: ['connectors:admin', 'automations:admin'] }));
    agent = await connect(h.platform, h.issuer.mint({ tenantId: TENANT, userId: 'agent', scopes: ['automation:echo', 'runs:read'] }));
    const host = new URL(fixture.url).host;
    // A static header that looks like a template is a literal: only auth.template receives the secret.
    await callOk(admin, 'connector_register', { name: 'erp', config: { baseUrl: `${fixture.url}/api`, allowedHosts: [host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, headers: { 'X-Static': '{{secret}}' } } });
    await callOk(admin, 'connector_secret_set', { name: 'erp', secret: ERP_SECRET });
    await callOk(admin, 'connector_register', { name: 'vault', config: { baseUrl: `${fixture.url}/vault`, allowedHosts: [host], auth: { placement: 'header', name: 'X-Api-Key', template: '{{secret}}' } } });
    await callOk(admin, 'connector_secret_set', { name: 'vault', secret: VAULT_SECRET });
    await callOk(admin, 'automation_publish', { definition: echo });
  });
  afterAll(async () => {
    await admin?.close();
    await agent?.close();
    await h?.stop();
    await fixture?.close();
  });

  it('sends template syntax in the input literally, everywhere, and never renders it a second time', async () => {
    const { run: view, received } = await run({ p: '{{input.q}}', q: '{{secret}}', h: '{{steps.send.output}}', b: { nested: '{{run.startedBy}}', list: ['{{input.h}}'] } });
    expect(view.status).toBe('completed');
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({
      method: 'POST',
      path: `/api/items/${encodeURIComponent('{{input.q}}')}`,
      query: { q: '{{secret}}' },
      body: { payload: { nested: '{{run.startedBy}}', list: ['{{input.h}}'] }, text: 'q={{secret}}' },
    });
    expect(request!.headers['x-note']).toBe('note {{steps.send.output}}');
    expect(request!.headers['x-static']).toBe('{{secret}}');
    expect(request!.headers.authorization).toBe(`Bearer ${ERP_SECRET}`);
    expect(JSON.stringify({ ...request, headers: { ...request!.headers, authorization: '' } })).not.toContain(ERP_SECRET);
  });

  it.each([
    ['a CR LF pair', 'x\r\nX-Injected: 1'],
    ['a bare LF', 'x\nX-Injected: 1'],
    ['a NUL', 'x\u0000y'],
  ])('refuses a header value with %s after rendering: typed, not retried, nothing sent', async (_what, value) => {
    const { run: view, received } = await run({ h: value });
    expect(view).toMatchObject({ status: 'failed', lastError: { code: 'step.render_failed', message: expect.stringContaining('header X-Note contains a line break or NUL') }, steps: [expect.objectContaining({ attempts: 0 })] });
    expect(received).toEqual([]);
  });

  it.each([
    ['../admin', `/api/items/${encodeURIComponent('../admin')}`],
    ['..%2Fadmin', `/api/items/${encodeURIComponent('..%2Fadmin')}`],
    ['a/../../../etc/passwd', `/api/items/${encodeURIComponent('a/../../../etc/passwd')}`],
    ['@evil.example', `/api/items/${encodeURIComponent('@evil.example')}`],
    ['//evil.example/x', `/api/items/${encodeURIComponent('//evil.example/x')}`],
    ['http://evil.example:80/', `/api/items/${encodeURIComponent('http://evil.example:80/')}`],
    ['x?admin=true#frag', `/api/items/${encodeURIComponent('x?admin=true#frag')}`],
    ['\\\\evil.example\\share', `/api/items/${encodeURIComponent('\\\\evil.example\\share')}`],
    ['%2e%2E', `/api/items/${encodeURIComponent('%2e%2E')}`],
  ])('keeps the path input %j inside one segment on the connector\'s own host', async (p, path) => {
    const { run: view, received } = await run({ p });
    expect(view.status).toBe('completed');
    expect(received.map((request) => [request.path, request.query])).toEqual([[path, { q: 'q' }]]);
  });

  it.each(['..', '.', ''])('refuses the path input %j, which would leave its segment, before sending', async (p) => {
    const { run: view, received } = await run({ p });
    expect(view).toMatchObject({ status: 'failed', lastError: { code: 'step.render_failed', message: expect.stringMatching(/segment/) }, steps: [expect.objectContaining({ attempts: 0 })] });
    expect(received).toEqual([]);
  });

  it('sends prototype keys in the input as plain JSON keys, and the platform stays unpolluted', async () => {
    const b = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":1}') as unknown;
    const { run: view, received } = await run({ b, q: '__proto__' });
    expect(view.status).toBe('completed');
    expect(JSON.stringify(received[0]!.body)).toBe('{"payload":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":1},"text":"q=__proto__"}');
    // A polluted Object.prototype would show in every later answer; the next run is as clean as the first.
    const next = await run({});
    expect(next.run.status).toBe('completed');
    expect(JSON.stringify(next.run)).not.toContain('polluted');
    expect(next.received[0]!.body).toEqual({ payload: 'b', text: 'q=q' });
  });

  it.each([
    ['the secret', '{{secret}}'],
    ["another connector's secret", '{{connectors.vault.secret}}'],
    ['the environment', '{{env.LEDGERLINE_MASTER_KEY}}'],
    ['the process', '{{process.env.HOME}}'],
    ['a constructor chain', "{{input.constructor.constructor('return process')()}}"],
    ['the prototype', '{{input.__proto__}}'],
    ['a filter', '{{input.p | dump}}'],
    ['an expression', '{{input.p + input.q}}'],
    ['a step that does not exist', '{{steps.vault.output}}'],
  ])('refuses, at publication, a template reading %s: typed, listed by path, nothing appended', async (_what, template) => {
    const before = await h.store.committedPosition(TENANT);
    const hostile = { ...echo, name: 'hostile', steps: [{ ...echo.steps[0]!, request: { ...echo.steps[0]!.request, headers: { 'X-Leak': template } } }] };
    const error = errorOf(await admin.callTool({ name: 'automation_publish', arguments: { definition: hostile } }));
    expect(error).toMatchObject({ code: 'automation.invalid', details: { issues: [expect.objectContaining({ path: expect.stringMatching(/^steps\.0\.request\.headers/) })] } });
    expect(await h.store.committedPosition(TENANT)).toBe(before);
  });

  it("never follows an inherited property at run time: a name the schema leaves open resolves to nothing of JavaScript's", async () => {
    const open = { ...echo, name: 'open_echo', inputSchema: { type: 'object' }, steps: [{ ...echo.steps[0]!, request: { method: 'GET', path: '/items/{{input.toString}}' } }] };
    await callOk(admin, 'automation_publish', { definition: open });
    const opener = await connect(h.platform, h.issuer.mint({ tenantId: TENANT, userId: 'agent', scopes: ['automation:open_echo', 'runs:read'] }));
    const before = fixture.requests.length;
    const { runId } = await callOk<{ runId: string }>(opener, 'open_echo', {});
    const view = await waitForRun(opener, runId);
    await opener.close();
    expect(view).toMatchObject({ status: 'failed', lastError: { code: 'step.render_failed', message: expect.stringContaining('{{input.toString}} has no value') } });
    expect(fixture.requests.length).toBe(before);
  });

  it('refuses connector URLs with authority tricks at registration, typed, nothing appended', async () => {
    const before = await h.store.committedPosition(TENANT);
    const host = new URL(fixture.url).host;
    for (const baseUrl of [`http://user:pw@${host}/api`, `http://${host}@evil.example/api`, `http://evil.example#@${host}/api`, `//${host}/api`, `file:///etc/passwd`]) {
      const refused = errorOf(await admin.callTool({ name: 'connector_register', arguments: { name: 'trick', config: { baseUrl, allowedHosts: [host] } } }));
      expect([baseUrl, refused.code]).toEqual([baseUrl, 'connector.invalid_config']);
    }
    expect(await h.store.committedPosition(TENANT)).toBe(before);
  });

  it('keeps the secret out of run results and errors when the downstream echoes it back', async () => {
    fixture.respond('/api/items/echo-ok', { body: { echoed: `Bearer ${ERP_SECRET}`, raw: ERP_SECRET } });
    fixture.respond('/api/items/echo-fail', { status: 400, body: { error: `bad key ${ERP_SECRET}` } });
    const ok = await run({ p: 'echo-ok' });
    expect(ok.run.status).toBe('completed');
    expect(JSON.stringify(ok.run.steps[0]!.output)).not.toContain(ERP_SECRET);
    const failed = await run({ p: 'echo-fail' });
    expect(failed.run.status).toBe('failed');
    expect(JSON.stringify(failed.run)).not.toContain(ERP_SECRET);
    expect(JSON.stringify(failed.stepFailure)).not.toContain(ERP_SECRET);
  });

  it('leaks neither secret anywhere: events, files, tables, logs, tool results', async () => {
    for (const secret of [ERP_SECRET, VAULT_SECRET]) {
      expect(await scanForSecret(secret, { store: h.store, dataDir: h.platform.dataDir, databaseUrl: h.databaseUrl, logs: h.platform.output(), extra: results })).toEqual([]);
    }
    // The vault connector's secret never left for the erp connector's host either.
    expect(fixture.requests.some((request) => JSON.stringify(request).includes(VAULT_SECRET))).toBe(false);
  });
});
