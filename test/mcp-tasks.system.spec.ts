import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GATED_CALL } from './support/automations.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import { until } from './support/until.js';

// Runs as tasks: an automation's tool call answers with a task (the run), on both protocol eras,
// for a client that follows tasks; the task is polled, cancelled and listed through any platform
// process, as nothing about it lives in one's memory. The run here waits for a human approval first.

const TENANT = 'taskco';
const MODERN = '2026-07-28';
const LEGACY = '2025-11-25';
const TASKS = 'io.modelcontextprotocol/tasks';
type Json = Record<string, unknown>;
interface RpcAnswer { status: number; result?: Json; error?: { code: number; message: string; data?: Json } }

/** One JSON-RPC request as the revision's clients send it: 2026-07-28 with its envelope and routing headers. */
async function rpc(api: PlatformProcess, token: string, revision: string, method: string, params: Json, options: { tasks?: boolean; capabilities?: Json } = {}): Promise<RpcAnswer> {
  const modern = revision === MODERN;
  // The tasks/* methods belong to the extension: a 2026-07-28 client declares it on them too.
  const declares = options.tasks ?? method.startsWith('tasks/');
  const body = modern
    ? { ...params, _meta: { ...(params._meta as Json | undefined), 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientInfo': { name: 'tasks-test', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': { ...options.capabilities, ...(declares && { extensions: { [TASKS]: {} } }) } } }
    : params;
  const name = typeof params.name === 'string' ? params.name : typeof params.taskId === 'string' ? params.taskId : undefined;
  const response = await fetch(`${api.url}/mcp`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': revision,
      ...(modern && { 'Mcp-Method': method, ...(name !== undefined && { 'Mcp-Name': name }) }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: body }),
  });
  const answer = (await response.json()) as { result?: Json; error?: RpcAnswer['error'] };
  return { status: response.status, ...answer };
}

describe('automation runs as tasks, across platform processes (PostgreSQL + Kafka)', () => {
  let cluster: Cluster;
  let second: PlatformProcess;
  let fixture: FixtureServer;
  let alice: string;
  let bobDecides: (approvalId: string) => Promise<void>;
  let bobToken: string;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    cluster = await startCluster({ workers: 1 });
    // A second API process on the same store and bus: the task is polled there, not where it started.
    second = await startPlatform({ ...cluster.env, LEDGERLINE_ROLE: 'api' });
    const admin = await connect(cluster.api, cluster.issuer.mint({ tenantId: TENANT, userId: 'ops', scopes: ['connectors:admin', 'automations:admin'] }));
    await callOk(admin, 'connector_register', { name: 'erp', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host] } });
    await callOk(admin, 'automation_publish', { definition: GATED_CALL });
    await admin.close();
    alice = cluster.issuer.mint({ tenantId: TENANT, userId: 'alice', scopes: ['automation:gated_call', 'runs:read'] });
    bobToken = cluster.issuer.mint({ tenantId: TENANT, userId: 'bob', scopes: ['approvals:decide'] });
    const bob = await connect(cluster.api, bobToken);
    bobDecides = async (approvalId) => void (await callOk(bob, 'approval_decide', { approvalId, decision: 'approve', reason: 'fine' }));
  }, 180_000);
  afterAll(async () => {
    await second?.stop();
    await cluster?.stop();
    await fixture?.close();
  }, 60_000);

  it('2026-07-28: a call that declares the tasks extension gets the run as a task, followed to completion through its approval on another process', async () => {
    const discover = await rpc(cluster.api, alice, MODERN, 'server/discover', {});
    expect((discover.result?.capabilities as { extensions?: Json }).extensions).toHaveProperty([TASKS]);

    const started = await rpc(cluster.api, alice, MODERN, 'tools/call', { name: 'gated_call', arguments: { ref: 'm-1' } }, { tasks: true });
    expect(started.result).toMatchObject({ resultType: 'task', taskId: expect.stringMatching(/^run-/), ttlMs: null, pollIntervalMs: expect.any(Number) });
    expect(['working', 'input_required']).toContain(started.result!.status);
    const taskId = started.result!.taskId as string;

    // Polled on the other process: the run parks at its approval, which the task shows as input wanted by a person, with the page to act on.
    const waiting = await until(async () => {
      const got = await rpc(second, alice, MODERN, 'tasks/get', { taskId });
      return got.result?.status === 'input_required' ? got.result : undefined;
    }, 30_000, 'the task to wait for its approval');
    expect(waiting).toMatchObject({ resultType: 'complete', taskId });
    const [request] = Object.values(waiting.inputRequests as Record<string, { method: string; params: { mode: string; url: string } }>);
    expect(request).toMatchObject({ method: 'elicitation/create', params: { mode: 'url' } });
    const approvalId = decodeURIComponent(new URL(request!.params.url).pathname.split('/').pop()!);
    expect(new URL(request!.params.url).pathname).toBe(`/console/approvals/${encodeURIComponent(approvalId)}`);
    // The requester's client answering it decides nothing (an ack); the approver decides.
    expect((await rpc(second, alice, MODERN, 'tasks/update', { taskId, inputResponses: { [Object.keys(waiting.inputRequests as Json)[0]!]: { action: 'accept' } } })).result).toEqual(expect.objectContaining({ resultType: 'complete' }));
    await bobDecides(approvalId);

    const done = await until(async () => {
      const got = await rpc(second, alice, MODERN, 'tasks/get', { taskId });
      return got.result?.status === 'completed' ? got.result : undefined;
    }, 30_000, 'the task to complete');
    expect((done.result as { structuredContent: Json }).structuredContent).toMatchObject({ runId: taskId, status: 'completed' });
    expect(fixture.requests.filter((r) => r.path === '/orders/m-1')).toHaveLength(1);
  }, 120_000);

  it('2025-11-25: a task-augmented call gets the task; tasks/result on another process waits for the run and returns its result', async () => {
    const started = await rpc(cluster.api, alice, LEGACY, 'tools/call', { name: 'gated_call', arguments: { ref: 'l-1' }, task: {} });
    const task = started.result!.task as Json;
    expect(task).toMatchObject({ taskId: expect.stringMatching(/^run-/), ttl: null, pollInterval: expect.any(Number) });
    const taskId = task.taskId as string;
    const parked = await until(async () => {
      const got = await rpc(second, alice, LEGACY, 'tasks/get', { taskId });
      return got.result?.status === 'input_required' ? got.result : undefined;
    }, 30_000, 'the run to park at its approval');
    expect(parked.statusMessage).toMatch(/waiting for approval/);
    const approvalId = /approval (\S+)/.exec(parked.statusMessage as string)![1]!;
    const result = rpc(second, alice, LEGACY, 'tasks/result', { taskId });
    await bobDecides(approvalId);
    const answered = await result;
    expect(answered.result).toMatchObject({ structuredContent: { runId: taskId, status: 'completed' }, _meta: { 'io.modelcontextprotocol/related-task': { taskId } } });
    expect((await rpc(cluster.api, alice, LEGACY, 'tasks/list', {})).result?.tasks).toEqual(expect.arrayContaining([expect.objectContaining({ taskId, status: 'completed' })]));
  }, 120_000);

  it('cancels a task through the run command, on either revision; a finished one cannot be cancelled (2025-11-25)', async () => {
    for (const [revision, params] of [[MODERN, {}], [LEGACY, { task: {} }]] as const) {
      const started = await rpc(cluster.api, alice, revision, 'tools/call', { name: 'gated_call', arguments: { ref: `c-${revision}` }, ...params }, { tasks: true });
      const taskId = (revision === MODERN ? started.result!.taskId : (started.result!.task as Json).taskId) as string;
      const cancelled = await rpc(second, alice, revision, 'tasks/cancel', { taskId });
      expect(cancelled.error).toBeUndefined();
      const final = await until(async () => {
        const got = await rpc(second, alice, revision, 'tasks/get', { taskId });
        return got.result?.status === 'cancelled' ? got.result : undefined;
      }, 30_000, 'the task to be cancelled');
      expect(final.taskId).toBe(taskId);
      // 2025-11-25 refuses to cancel a finished task; the 2026-07-28 extension acks it again (idempotent).
      if (revision === LEGACY) expect((await rpc(second, alice, revision, 'tasks/cancel', { taskId })).error).toMatchObject({ code: -32602, data: { code: 'task.finished' } });
      else expect((await rpc(second, alice, revision, 'tasks/cancel', { taskId })).result).toEqual({ resultType: 'complete', _meta: expect.any(Object) });
    }
    expect(fixture.requests.some((r) => r.path.startsWith('/orders/c-'))).toBe(false);
  }, 120_000);

  it("sends an approver's client to the approval's console page by URL elicitation, then reads the decision; never the requester's", async () => {
    const started = await rpc(cluster.api, alice, MODERN, 'tools/call', { name: 'gated_call', arguments: { ref: 'a-1' } }, { tasks: true });
    const taskId = started.result!.taskId as string;
    await until(async () => ((await rpc(second, alice, MODERN, 'tasks/get', { taskId })).result?.status === 'input_required' ? true : undefined), 30_000, 'the run to park');
    const approvalId = `${taskId}.ask`;
    const page = `/console/approvals/${encodeURIComponent(approvalId)}`;
    const open = (revision: string, token: string, capabilities?: Json): Promise<RpcAnswer> =>
      rpc(second, token, revision, 'tools/call', { name: 'approval_decide', arguments: { approvalId } }, capabilities ? { capabilities } : {});
    const asked = await open(MODERN, bobToken, { elicitation: { url: {} } });
    expect(asked.result).toMatchObject({ resultType: 'input_required' });
    const [request] = Object.values(asked.result!.inputRequests as Record<string, { params: { mode: string; url: string } }>);
    expect(request!.params.mode).toBe('url');
    expect(new URL(request!.params.url).pathname).toBe(page);
    const legacy = await open(LEGACY, bobToken);
    expect(legacy.error).toMatchObject({ code: -32042 });
    expect(new URL((legacy.error!.data as { elicitations: Array<{ url: string }> }).elicitations[0]!.url).pathname).toBe(page);
    const noUrl = await open(MODERN, bobToken, { elicitation: { form: {} } });
    expect(JSON.parse((noUrl.result!.content as Array<{ text: string }>)[0]!.text).error.code).toBe('tool.elicitation_unsupported');
    // The requester, even holding the scope, is refused before any page.
    const aliceApprover = cluster.issuer.mint({ tenantId: TENANT, userId: 'alice', scopes: ['approvals:decide'] });
    expect(JSON.parse(((await open(LEGACY, aliceApprover)).result!.content as Array<{ text: string }>)[0]!.text).error.code).toBe('approval.self_decision');
    // Decided (in the console, or here with a decision), the same call reads the outcome.
    await bobDecides(approvalId);
    expect(((await open(LEGACY, bobToken)).result!.structuredContent as Json)).toEqual({ approvalId, runId: taskId, decision: 'approve', decidedBy: 'bob' });
  }, 60_000);

  it('answers a client that does not follow tasks as before: the run id at once', async () => {
    for (const revision of [MODERN, LEGACY]) {
      const started = await rpc(cluster.api, alice, revision, 'tools/call', { name: 'gated_call', arguments: { ref: `p-${revision}` } });
      expect(started.result).toMatchObject({ structuredContent: { runId: expect.stringMatching(/^run-/), status: 'running' } });
      expect(started.result).not.toHaveProperty('task');
      expect(started.result?.resultType ?? 'complete').toBe('complete');
    }
  }, 60_000);

  it("refuses another user's or tenant's task, an unknown one and a malformed request, as Invalid params, on both revisions", async () => {
    const started = await rpc(cluster.api, alice, MODERN, 'tools/call', { name: 'gated_call', arguments: { ref: 'x-1' } }, { tasks: true });
    const taskId = started.result!.taskId as string;
    const carol = cluster.issuer.mint({ tenantId: TENANT, userId: 'carol', scopes: ['automation:gated_call', 'runs:read', 'runs:admin'] });
    const stranger = cluster.issuer.mint({ tenantId: 'otherco', userId: 'alice', scopes: ['automation:gated_call', 'runs:read'] });
    await until(async () => ((await rpc(second, alice, MODERN, 'tasks/get', { taskId })).result?.status === 'input_required' ? true : undefined), 30_000, 'the run to park');
    const before = (await cluster.store.readStream(TENANT, taskId)).length;
    for (const revision of [MODERN, LEGACY]) {
      for (const token of [carol, stranger]) {
        for (const method of ['tasks/get', 'tasks/cancel']) {
          const refused = await rpc(second, token, revision, method, { taskId });
          expect(refused.error).toMatchObject({ code: -32602, data: { code: 'run.not_found' } });
          expect(JSON.stringify(refused)).not.toContain('x-1');
        }
      }
      expect((await rpc(second, alice, revision, 'tasks/get', { taskId: 'run-00000000-0000-7000-8000-000000000000' })).error).toMatchObject({ code: -32602 });
      expect((await rpc(second, alice, revision, 'tasks/get', { taskId: 7 })).error).toMatchObject({ code: -32602 });
    }
    // 2026-07-28: the extension's methods from a request that does not declare it (ext-tasks: Missing required client capability).
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const refused = await rpc(second, alice, MODERN, method, { taskId, ...(method === 'tasks/update' && { inputResponses: {} }) }, { tasks: false });
      expect(refused.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { [TASKS]: {} } } } });
    }
    // Nothing was appended by the refused cancels.
    expect(await cluster.store.readStream(TENANT, taskId)).toHaveLength(before);
  }, 60_000);
});
