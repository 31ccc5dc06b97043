import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIRM_TOOLS } from '#mcp';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

// Sensitive calls (the defaults: memory_delete, automation_publish, automation_promote, connector_secret_set) run only
// once the person confirmed that exact call; nothing is appended before. 2026-07-28 asks in-band
// (input_required with a form elicitation and a sealed requestState); 2025-era clients, stateless,
// get -32042 with a link to the confirmation page, whose REST half is exercised here as the console does.

const TENANT = 'confirmco';
const MODERN = '2026-07-28';
const LEGACY = '2025-11-25';
type Json = Record<string, unknown>;
interface RpcAnswer { status: number; result?: Json; error?: { code: number; message: string; data?: Json } }

describe.each(['sqlite', 'postgres'] as const)('confirmations of sensitive calls (%s)', (kind) => {
  let h: PlatformHarness;
  let alice: string;
  const tenantEvents = (): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: TENANT }));

  async function rpc(revision: string, method: string, params: Json, options: { token?: string; capabilities?: Json } = {}): Promise<RpcAnswer> {
    const modern = revision === MODERN;
    const body = modern
      ? { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientInfo': { name: 'confirm-test', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? { elicitation: { form: {} } } } }
      : params;
    const response = await fetch(`${h.platform.url}/mcp`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${options.token ?? alice}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': revision,
        ...(modern && { 'Mcp-Method': method, ...(typeof params.name === 'string' && { 'Mcp-Name': params.name }) }),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: body }),
    });
    return { status: response.status, ...((await response.json()) as Omit<RpcAnswer, 'status'>) };
  }

  async function rest(method: 'GET' | 'POST', token: string, bearer = alice): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${h.platform.url}/v1/mcp/confirmations/${token}`, { method, headers: { Authorization: `Bearer ${bearer}` } });
    return { status: response.status, body: (await response.json()) as Json };
  }

  const put = (key: string): Promise<RpcAnswer> => rpc(LEGACY, 'tools/call', { name: 'memory_put', arguments: { key, value: 'v' } });
  const del = (revision: string, key: string, extra: Json = {}, options: { token?: string; capabilities?: Json } = {}): Promise<RpcAnswer> =>
    rpc(revision, 'tools/call', { name: 'memory_delete', arguments: { key }, ...extra }, options);
  const structured = (answer: RpcAnswer): Json => answer.result!.structuredContent as Json;
  const toolError = (answer: RpcAnswer): { code: string } => {
    expect(answer.result?.isError).toBe(true);
    return (JSON.parse((answer.result!.content as Array<{ text: string }>)[0]!.text) as { error: { code: string } }).error;
  };

  beforeAll(async () => {
    h = await startPlatformOn(kind, { LEDGERLINE_MCP_CONFIRM_TOOLS: DEFAULT_CONFIRM_TOOLS.join(',') });
    alice = h.issuer.mint({ tenantId: TENANT, userId: 'alice', scopes: ['memory:read', 'memory:write'] });
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('2026-07-28: asks in the client first, appending nothing; the confirmed retry deletes, and the confirmation is in the audit trail', async () => {
    expect(structured(await put('k1'))).toMatchObject({ key: 'k1' });
    const before = await tenantEvents();
    const asked = await del(MODERN, 'k1');
    expect(asked.result).toMatchObject({ resultType: 'input_required', requestState: expect.any(String) });
    const request = (asked.result!.inputRequests as Record<string, { method: string; params: { mode: string; message: string; requestedSchema: Json } }>).confirm!;
    expect(request).toMatchObject({ method: 'elicitation/create', params: { mode: 'form', requestedSchema: { properties: { confirm: { type: 'boolean' } } } } });
    expect(request.params.message).toContain('memory_delete');
    expect(await tenantEvents()).toHaveLength(before.length);

    const retry = { inputResponses: { confirm: { action: 'accept', content: { confirm: true } } }, requestState: asked.result!.requestState };
    const done = await del(MODERN, 'k1', retry);
    expect(done.result?.isError).toBeUndefined();
    const added = (await tenantEvents()).slice(before.length);
    expect(added.map((event) => event.type)).toEqual(['ToolCallConfirmed', 'ConfirmationUsed', 'MemoryItemDeleted']);
    expect(added.every((event) => event.metadata.tool === 'memory_delete' && event.metadata.userId === 'alice')).toBe(true);
    expect(added[0]!.data).toMatchObject({ tool: 'memory_delete', via: 'client-form' });
    // In the audit trail, as an auditor reads it: the confirmation, its use and the call, one tool, one person.
    const auditor = h.issuer.mint({ tenantId: TENANT, userId: 'auditor', scopes: ['audit:read'] });
    const audit = await fetch(`${h.platform.url}/v1/audit?tool=memory_delete&order=asc`, { headers: { Authorization: `Bearer ${auditor}` } });
    const entries = ((await audit.json()) as { entries: Array<{ type: string; userId: string; tool: string }> }).entries;
    expect(entries.slice(-3).map((entry) => [entry.type, entry.userId, entry.tool])).toEqual([
      ['ToolCallConfirmed', 'alice', 'memory_delete'], ['ConfirmationUsed', 'alice', 'memory_delete'], ['MemoryItemDeleted', 'alice', 'memory_delete'],
    ]);

    // The same answer again is no new confirmation: the round was used.
    const count = (await tenantEvents()).length;
    expect(toolError(await del(MODERN, 'k1', retry)).code).toBe('confirmation.stale');
    expect(await tenantEvents()).toHaveLength(count);
  });

  it('2026-07-28: a no, a tampered or foreign requestState, other arguments, or a client without elicitation delete nothing', async () => {
    await put('k2');
    const asked = await del(MODERN, 'k2');
    const state = asked.result!.requestState as string;
    const before = (await tenantEvents()).length;
    expect(toolError(await del(MODERN, 'k2', { inputResponses: { confirm: { action: 'accept', content: { confirm: false } } }, requestState: state })).code).toBe('tool.confirmation_declined');
    expect(toolError(await del(MODERN, 'k2', { inputResponses: { confirm: { action: 'decline' } }, requestState: state })).code).toBe('tool.confirmation_declined');
    const yes = { confirm: { action: 'accept', content: { confirm: true } } };
    expect(toolError(await del(MODERN, 'k2', { inputResponses: yes, requestState: `${state.slice(0, -4)}AAAA` })).code).toBe('confirmation.invalid');
    // The state names k2: it confirms nothing else, and nobody else's call.
    await put('k3');
    expect(toolError(await del(MODERN, 'k3', { inputResponses: yes, requestState: state })).code).toBe('confirmation.invalid');
    const bob = h.issuer.mint({ tenantId: TENANT, userId: 'bob', scopes: ['memory:write'] });
    expect(toolError(await del(MODERN, 'k2', { inputResponses: yes, requestState: state }, { token: bob })).code).toBe('confirmation.invalid');
    const stranger = h.issuer.mint({ tenantId: 'otherco', userId: 'alice', scopes: ['memory:write'] });
    expect(toolError(await del(MODERN, 'k2', { inputResponses: yes, requestState: state }, { token: stranger })).code).toBe('confirmation.invalid');
    expect(toolError(await del(MODERN, 'k2', {}, { capabilities: {} })).code).toBe('tool.confirmation_unsupported');
    expect((await tenantEvents()).length).toBe(before + 1); // only the put of k3
    expect(structured(await rpc(LEGACY, 'tools/call', { name: 'memory_get', arguments: { key: 'k2' } }))).toMatchObject({ key: 'k2', value: 'v' });
  });

  it('2026-07-28: a client that declares only URL elicitation is sent to the confirmation page', async () => {
    await put('k4');
    const asked = await del(MODERN, 'k4', {}, { capabilities: { elicitation: { url: {} } } });
    const request = (asked.result!.inputRequests as Record<string, { params: { mode: string; url: string } }>).confirm!;
    expect(request.params.mode).toBe('url');
    const token = new URL(request.params.url).pathname.split('/').pop()!;
    expect(new URL(request.params.url).pathname).toBe(`/console/confirmations/${token}`);
    expect((await rest('POST', token)).body).toMatchObject({ tool: 'memory_delete', status: 'confirmed' });
    const done = await del(MODERN, 'k4', { inputResponses: { confirm: { action: 'accept' } }, requestState: asked.result!.requestState }, { capabilities: { elicitation: { url: {} } } });
    expect(done.result?.isError).toBeUndefined();
  });

  it('2025-11-25: -32042 with a link, nothing appended; the person confirms on the page; the identical retry deletes, once', async () => {
    await put('k5');
    const before = (await tenantEvents()).length;
    const refused = await del(LEGACY, 'k5');
    expect(refused.error).toMatchObject({ code: -32042 });
    const [elicitation] = (refused.error!.data as { elicitations: Array<{ mode: string; url: string; elicitationId: string; message: string }> }).elicitations;
    expect(elicitation).toMatchObject({ mode: 'url', elicitationId: expect.any(String), message: expect.stringContaining('memory_delete') });
    expect(await tenantEvents()).toHaveLength(before);
    // Asking again without confirming changes nothing either.
    expect((await del(LEGACY, 'k5')).error).toMatchObject({ code: -32042 });
    expect(await tenantEvents()).toHaveLength(before);

    const token = new URL(elicitation!.url).pathname.split('/').pop()!;
    expect((await rest('GET', token)).body).toMatchObject({ tool: 'memory_delete', status: 'waiting', summary: expect.stringContaining('k5') });
    // Only the person who made the call sees or confirms it; a garbled token is a typed 400.
    const bob = h.issuer.mint({ tenantId: TENANT, userId: 'bob', scopes: ['memory:read'] });
    const stranger = h.issuer.mint({ tenantId: 'otherco', userId: 'alice', scopes: ['memory:read'] });
    for (const bearer of [bob, stranger]) {
      for (const method of ['GET', 'POST'] as const) expect(await rest(method, token, bearer)).toMatchObject({ status: 404, body: { error: { code: 'confirmation.not_found' } } });
    }
    expect(await rest('POST', `${token.slice(0, -6)}AAAAAA`)).toMatchObject({ status: 400, body: { error: { code: 'confirmation.invalid' } } });
    expect(await tenantEvents()).toHaveLength(before);

    expect(await rest('POST', token)).toMatchObject({ status: 200, body: { status: 'confirmed' } });
    expect(await rest('POST', token)).toMatchObject({ status: 409, body: { error: { code: 'confirmation.stale' } } });
    const done = await del(LEGACY, 'k5');
    expect(done.result?.isError).toBeUndefined();
    const added = (await tenantEvents()).slice(before);
    expect(added.map((event) => event.type)).toEqual(['ToolCallConfirmed', 'ConfirmationUsed', 'MemoryItemDeleted']);
    expect(added[0]).toMatchObject({ data: { via: 'confirmation-page' }, metadata: { tool: 'memory_delete', userId: 'alice' } });
    // Used once: the same call again asks again.
    await put('k5');
    expect((await del(LEGACY, 'k5')).error).toMatchObject({ code: -32042 });
    expect((await rest('GET', token)).body).toMatchObject({ status: 'used_or_stale' });
  });

  it("lets a tenant allow the clients that cannot be asked (grants:admin), its own tenant only; clients that can ask are still asked", async () => {
    const admin = h.issuer.mint({ tenantId: TENANT, userId: 'root', scopes: ['grants:admin'] });
    const policy = async (method: string, body?: unknown, bearer = admin): Promise<{ status: number; body: Json }> => {
      const response = await fetch(`${h.platform.url}/v1/mcp/confirmation-policy`, { method, headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as Json };
    };
    expect((await policy('GET')).body).toEqual({ unconfirmableClients: 'refuse' });
    const before = (await tenantEvents()).length;
    expect(await policy('PUT', { unconfirmableClients: 'sometimes' })).toMatchObject({ status: 400, body: { error: { code: 'confirmation.invalid_policy' } } });
    expect(await policy('PUT', { unconfirmableClients: 'allow', tenantId: 'otherco' })).toMatchObject({ status: 400, body: { error: { code: 'request.invalid' } } });
    expect((await policy('PUT', { unconfirmableClients: 'allow' }, alice)).status).toBe(403);
    expect(await tenantEvents()).toHaveLength(before);
    expect((await policy('PUT', { unconfirmableClients: 'allow' })).body).toEqual({ unconfirmableClients: 'allow', changed: true });
    try {
      await put('p1');
      await put('p2');
      expect((await del(LEGACY, 'p1')).result?.isError).toBeUndefined();
      expect((await del(MODERN, 'p2', {}, { capabilities: {} })).result?.isError).toBeUndefined();
      await put('p3');
      expect((await del(MODERN, 'p3')).result).toMatchObject({ resultType: 'input_required' });
      // Another tenant's policy is its own: still refused there.
      const stranger = h.issuer.mint({ tenantId: 'otherco', userId: 'alice', scopes: ['memory:read', 'memory:write'] });
      await rpc(LEGACY, 'tools/call', { name: 'memory_put', arguments: { key: 'p4', value: 'v' } }, { token: stranger });
      expect((await del(LEGACY, 'p4', {}, { token: stranger })).error).toMatchObject({ code: -32042 });
    } finally {
      expect((await policy('PUT', { unconfirmableClients: 'refuse' })).body).toMatchObject({ unconfirmableClients: 'refuse' });
    }
  });

  it('leaves the other tools alone, and refuses bad input before asking anything', async () => {
    const before = (await tenantEvents()).length;
    expect(structured(await put('free'))).toMatchObject({ key: 'free' });
    expect(toolError(await rpc(LEGACY, 'tools/call', { name: 'memory_delete', arguments: { key: 7 } })).code).toBe('tool.invalid_arguments');
    expect(toolError(await rpc(MODERN, 'tools/call', { name: 'memory_delete', arguments: { key: 7 } })).code).toBe('tool.invalid_arguments');
    expect((await tenantEvents()).length).toBe(before + 1);
  });
});
