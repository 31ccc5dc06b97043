import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { MCP_SDK_VERSION } from '../tools/mcp-oauth-client/ensure.mjs';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import {
  LEGACY, MODERN, pythonClient, typescriptV1Client, typescriptV2Client,
  type InteropClient, type Outcome, type ScenarioInput,
} from './support/interop-clients.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { pythonForMcpClient } from './support/python-mcp-client.js';
import type { RunView } from './support/runs.js';

// One scenario, four MCP clients we did not write, both stores: the Python SDK (PyPI `mcp`,
// pinned in tools/mcp-oauth-client/requirements.txt) in mode="auto" (it probes server/discover
// and lands on 2026-07-28) and mode="legacy" (the initialize handshake, 2025-11-25); the
// TypeScript SDK v1 client (2025-11-25); the TypeScript SDK v2 client with versionNegotiation
// 'auto' (2026-07-28). Each connects with a dev-issuer token, lists tools, calls tools, reads typed
// tool errors and repeats an idempotency key (basic); starts an automation as a task and follows
// it to its end (tasks); deletes a memory key, which is sensitive, confirming as its revision
// allows (confirmations). Each client reports what it saw in one shape (support/interop-clients.ts);
// the assertions below are the same for all.

const TENANT = 'interop';
const AUTOMATION = 'interop_call';
const SCOPES = ['memory:read', 'memory:write', `automation:${AUTOMATION}`, 'runs:read'];
/** What those scopes show: memory, the automation and reading runs; no administration. */
const VISIBLE_TOOLS = [AUTOMATION, 'memory_delete', 'memory_get', 'memory_list', 'memory_put', 'run_get', 'run_list'];
/** A value with every JSON kind, nested, and text beyond ASCII: it must come back equal. */
const VALUE = { said: 'hello from interop', n: 3, ratio: 0.25, ok: true, none: null, list: [1, 'two', { three: 3 }], text: 'naïve café ☃ 𝄞' };

const INTEROP_CALL = {
  name: AUTOMATION, title: 'Interop call', description: 'Calls the ERP once.',
  inputSchema: { type: 'object', properties: { ref: { type: 'string' } }, required: ['ref'] },
  steps: [{ id: 'call', type: 'call', connector: 'erp', request: { method: 'POST', path: '/orders/{{input.ref}}' } }],
};

/**
 * What a person does with a URL elicitation: opens the confirmation page signed in and confirms.
 * The console's page does it with this REST call (GET to show, POST to confirm), with the
 * person's own token; here the person's bearer token stands in for their console session.
 */
async function confirmByUrl(harness: PlatformHarness, url: string, token: string): Promise<void> {
  const page = new URL(url);
  expect(page.origin).toBe(harness.platform.url);
  const confirmation = page.pathname.match(/^\/console\/confirmations\/([A-Za-z0-9_-]+)$/)?.[1];
  if (!confirmation) throw new Error(`not a confirmation page: ${url}`);
  const response = await fetch(`${harness.platform.url}/v1/mcp/confirmations/${confirmation}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 200, body: { tool: 'memory_delete', status: 'confirmed' } });
}

let python: string | undefined;
const CLIENTS: InteropClient[] = [
  pythonClient(() => (python ??= pythonForMcpClient()), 'auto'),
  pythonClient(() => (python ??= pythonForMcpClient()), 'legacy'),
  typescriptV1Client(),
  typescriptV2Client(),
];

describe.each(['sqlite', 'postgres'] as const)(`MCP clients we did not write (Python mcp ${MCP_SDK_VERSION}, TypeScript v1 and v2) on %s`, (kind) => {
  let harness: PlatformHarness;
  let fixture: FixtureServer;
  let admin: Client;

  beforeAll(async () => {
    // The venv first: a machine without Python fails here, it never skips.
    python ??= pythonForMcpClient();
    fixture = await startFixtureServer();
    // memory_delete asks for a confirmation (as by default); the admin's automation_publish below does not, to keep the setup short.
    harness = await startPlatformOn(kind, { LEDGERLINE_MCP_CONFIRM_TOOLS: 'memory_delete' });
    admin = await connect(harness.platform, harness.issuer.mint({ tenantId: TENANT, userId: 'ops', scopes: ['connectors:admin', 'automations:admin', 'runs:read', 'runs:admin'] }));
    await callOk(admin, 'connector_register', { name: 'erp', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host] } });
    await callOk(admin, 'automation_publish', { definition: INTEROP_CALL });
  }, 120_000);
  afterAll(async () => {
    await admin?.close();
    await harness?.stop();
    await fixture?.close();
  });

  describe.each(CLIENTS.map((client, index) => [client.label, client, index] as const))('%s', (_label, client, index) => {
    const userId = `interop-${index}`;
    const input = (part: string): ScenarioInput => {
      const token = harness.issuer.mint({ tenantId: TENANT, userId, clientId: `interop-${index}`, scopes: SCOPES });
      return {
        url: `${harness.platform.url}/mcp`, token, key: `${part}-${index}`, value: VALUE, idempotencyKey: `interop-${kind}-${index}`,
        automation: AUTOMATION, arguments: { ref: `${kind}-${index}` },
        confirmByUrl: (url) => confirmByUrl(harness, url, token),
      };
    };

    it(`lands on ${client.revision}, sees the tools its scopes allow, round-trips a structured value, reads typed tool errors, and gets the first outcome for a repeated idempotency key`, async () => {
      const report = await client.basic(input('basic'));
      expect(report.protocolVersion).toBe(client.revision);
      // auto probes server/discover and adopts the modern revision; legacy shakes hands first.
      expect(report.exchanges[0]).toMatchObject({ method: client.revision === MODERN ? 'server/discover' : 'initialize', status: 200 });
      expect(report.exchanges.slice(1).filter((exchange) => exchange.protocolVersion !== client.revision || exchange.status >= 300)).toEqual([]);
      if (client.revision === LEGACY) expect(report.exchanges.map((exchange) => exchange.method)).not.toContain('server/discover');

      expect(report.tools).toEqual(VISIBLE_TOOLS);
      expect(resultOf(report.put)).toMatchObject({ isError: false, structured: { key: 'basic-' + index, changed: true } });
      expect(resultOf(report.got)).toMatchObject({ isError: false, structured: { key: 'basic-' + index } });
      expect((resultOf(report.got).structured as { value: unknown }).value).toEqual(VALUE);

      expect(toolError(report.invalidArguments)).toMatchObject({ code: 'tool.invalid_arguments', message: expect.any(String) });
      expect(toolError(report.unknownTool)).toMatchObject({ code: 'tool.unknown' });

      // The repeat answers the first outcome (changed: true, the same stream version); the same put without the key is a no-op put.
      const { first, again, withoutKey } = report.idempotent;
      expect(resultOf(first)).toMatchObject({ isError: false, structured: { changed: true } });
      expect(resultOf(again)).toEqual(resultOf(first));
      expect(resultOf(withoutKey)).toMatchObject({ isError: false, structured: { changed: false } });
      const puts = await eventsOf(harness, (event) => event.type === 'MemoryItemPut' && event.metadata.userId === userId && (event.data as { key?: string }).key === `basic-${index}-idem`);
      expect(puts).toHaveLength(1);
    }, 60_000);

    it('runs an automation as a task: started, followed with tasks/get to completed, its result the completed run', async () => {
      const report = await client.tasks(input('tasks'));
      expect(report.protocolVersion).toBe(client.revision);
      const { created } = report.task;
      // A run of one quick call may end before its start is answered (seen on PostgreSQL): created working, or already completed.
      const seed = { status: expect.stringMatching(/^(working|completed)$/), createdAt: expect.any(String), lastUpdatedAt: expect.any(String) };
      if (client.revision === MODERN) expect(created).toMatchObject({ resultType: 'task', taskId: expect.any(String), ...seed, ttlMs: null, pollIntervalMs: expect.any(Number) });
      else expect(created).toMatchObject({ task: { taskId: expect.any(String), ...seed, ttl: null, pollInterval: expect.any(Number) } });
      const taskId = client.revision === MODERN ? created!.taskId : (created!.task as { taskId: string }).taskId;
      expect(report.task.statuses?.at(-1)).toBe('completed');
      expect(report.task.statuses?.every((status) => status === 'working' || status === 'completed')).toBe(true);

      // The task id is the run id, and the result is the run as run_get shows it.
      const run = await callOk<RunView>(admin, 'run_get', { runId: taskId });
      expect(run).toMatchObject({ runId: taskId, status: 'completed' });
      expect(resultOf(report.result)).toMatchObject({ isError: false, structured: { runId: taskId, status: 'completed', steps: [{ id: 'call', status: 'succeeded' }] } });
      expect(fixture.requests.filter((request) => request.path === `/orders/${kind}-${index}`)).toHaveLength(1);
    }, 60_000);

    it(`confirms a sensitive call (memory_delete) the ${client.revision === MODERN ? 'in-band way: a form elicitation answered by the client, accepted, then declined' : '2025-11-25 way: -32042 with a URL, confirmed by the person, the identical call retried'}`, async () => {
      const report = await client.confirm(input('confirm'));
      expect(report.protocolVersion).toBe(client.revision);
      const key = `confirm-${index}`;
      if (client.revision === MODERN) {
        expect(report.elicitations).toHaveLength(2);
        for (const asked of report.elicitations!) {
          expect(asked).toMatchObject({ mode: 'form', message: expect.any(String), requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] } });
        }
        expect(resultOf(report.accepted)).toMatchObject({ isError: false });
        // Declined: the call does not succeed (a tool error or a raised error, the contract leaves which open), and the key stays.
        expect(report.declined?.raised ?? report.declined?.result).toBeDefined();
        expect(report.declined?.result?.isError ?? true).toBe(true);
        expect(resultOf(report.afterDecline)).toMatchObject({ isError: false, structured: { key: `${key}-b`, value: VALUE } });
      } else {
        expect(report.first?.raised).toMatchObject({ code: -32042 });
        const [elicitation] = (report.first!.raised!.data as { elicitations: unknown[] }).elicitations;
        expect(elicitation).toMatchObject({ mode: 'url', elicitationId: expect.any(String), url: expect.any(String), message: expect.any(String) });
        expect(resultOf(report.retried)).toMatchObject({ isError: false });
      }
      expect(toolError(report.afterAccept)).toMatchObject({ code: 'memory.not_found' });
    }, 60_000);
  });

  it('answers a call of the automation tool that asks for no task the old way: { runId } at once', async () => {
    const token = harness.issuer.mint({ tenantId: TENANT, userId: 'plain', scopes: SCOPES });
    const plain = await connect(harness.platform, token);
    try {
      const started = await callOk<{ runId: string; status: string }>(plain, AUTOMATION, { ref: `${kind}-plain` });
      expect(started).toMatchObject({ runId: expect.any(String), automation: AUTOMATION });
    } finally {
      await plain.close();
    }
  });
});

function resultOf(outcome: Outcome | undefined): NonNullable<Outcome['result']> {
  if (!outcome?.result) throw new Error(`expected a tool result, got ${JSON.stringify(outcome)}`);
  return outcome.result;
}

/** The typed error of a tool result: isError, and JSON `{ error: { code, message, … } }` as its text. */
function toolError(outcome: Outcome | undefined): { code: string; message: string } {
  const result = resultOf(outcome);
  expect(result.isError).toBe(true);
  return (JSON.parse(result.text ?? '{}') as { error: { code: string; message: string } }).error;
}

async function eventsOf(harness: PlatformHarness, keep: (event: { type: string; data: unknown; metadata: Record<string, unknown> }) => boolean) {
  const events = [];
  for await (const batch of harness.store.readAll({ tenantId: TENANT })) events.push(...batch.filter(keep));
  return events;
}
