import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

// What a client learns before calling anything, on both eras: the instructions, every tool with a
// title, an output schema, annotations and an icon; a 2026-07-28 tools/list the client may cache
// (privately: it depends on the grant); a large automation catalogue in pages.

const TENANT = 'discoco';
const MODERN = '2026-07-28';
const LEGACY = '2025-11-25';
type Json = Record<string, unknown>;
interface Tool { name: string; title?: string; description?: string; outputSchema?: Json; annotations?: Json; icons?: Array<{ src: string; mimeType?: string }>; execution?: Json }

describe('discovery on both revisions', () => {
  let h: PlatformHarness;
  let token: string;

  async function rpc(revision: string, method: string, params: Json = {}): Promise<{ result?: Json; error?: { code: number; message: string } }> {
    const modern = revision === MODERN;
    const body = modern ? { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} } } : params;
    const response = await fetch(`${h.platform.url}/mcp`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': revision, ...(modern && { 'Mcp-Method': method }) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: body }),
    });
    return (await response.json()) as { result?: Json; error?: { code: number; message: string } };
  }

  async function allTools(revision: string): Promise<{ pages: number; tools: Tool[] }> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await rpc(revision, 'tools/list', cursor === undefined ? {} : { cursor })).result!;
      pages++;
      tools.push(...(page.tools as Tool[]));
      cursor = page.nextCursor as string | undefined;
    } while (cursor !== undefined);
    return { pages, tools };
  }

  beforeAll(async () => {
    h = await startPlatformOn('sqlite');
    const scopes = ['memory:read', 'memory:write', 'automations:admin', 'runs:read', 'runs:cancel', 'approvals:decide', 'connectors:admin', 'audit:read'];
    const admin = await connect(h.platform, h.issuer.mint({ tenantId: TENANT, userId: 'ops', scopes: ['automations:admin'] }));
    // A catalogue larger than one page of tools/list (100).
    const names = Array.from({ length: 105 }, (_, i) => `step_${String(i).padStart(3, '0')}`);
    for (const name of names) {
      await callOk(admin, 'automation_publish', { definition: { name, title: `Step ${name}`, description: 'Waits a moment.', inputSchema: { type: 'object', properties: {} }, steps: [{ id: 'pause', type: 'wait', seconds: 1 }] } });
    }
    await admin.close();
    token = h.issuer.mint({ tenantId: TENANT, userId: 'alice', scopes: [...scopes, ...names.map((name) => `automation:${name}`)] });
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('tells the model what the server is for, on both revisions', async () => {
    const initialize = await rpc(LEGACY, 'initialize', { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 't', version: '1' } });
    const discover = await rpc(MODERN, 'server/discover');
    for (const result of [initialize.result!, discover.result!]) expect(result.instructions).toEqual(expect.stringContaining('idempotency-key'));
    // 2026-07-28 names the server in every result's _meta, 2025 in initialize's body.
    expect(initialize.result!.serverInfo).toMatchObject({ name: 'ledgerline', title: 'Ledgerline' });
    expect((discover.result!._meta as Json)['io.modelcontextprotocol/serverInfo']).toMatchObject({ name: 'ledgerline', title: 'Ledgerline' });
    // The endpoint serves the 2025 revisions too, and says so (the SDK alone would name 2026-07-28 only).
    expect(discover.result!.supportedVersions).toEqual([MODERN, LEGACY, '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07']);
  });

  it.each([LEGACY, MODERN])('%s: lists every tool with a title, an output schema, annotations and an SVG icon, in pages', async (revision) => {
    const { pages, tools } = await allTools(revision);
    expect(pages).toBe(2);
    expect(new Set(tools.map((tool) => tool.name)).size).toBe(tools.length);
    expect(tools.length).toBeGreaterThan(105);
    for (const tool of tools) {
      expect(tool.title).toEqual(expect.any(String));
      expect(tool.outputSchema).toMatchObject({ type: 'object' });
      expect(tool.annotations).toEqual(expect.objectContaining({ readOnlyHint: expect.any(Boolean), destructiveHint: expect.any(Boolean) }));
      const [icon] = tool.icons ?? [];
      expect(icon?.mimeType).toBe('image/svg+xml');
      expect(Buffer.from(icon!.src.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8')).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
    const automation = tools.find((tool) => tool.name === 'step_000')!;
    // 2025-11-25 names how a client may ask for a task; 2026-07-28 has no such field (the server decides).
    if (revision === LEGACY) expect(automation.execution).toEqual({ taskSupport: 'optional' });
    else expect(automation.execution).toBeUndefined();
  });

  it('2026-07-28: tools/list may be cached by the client alone, for 30 s', async () => {
    const page = (await rpc(MODERN, 'tools/list')).result!;
    expect(page).toMatchObject({ ttlMs: 30_000, cacheScope: 'private' });
  });

  it.each([LEGACY, MODERN])('%s: a cursor tools/list did not give is Invalid params', async (revision) => {
    for (const cursor of ['nonsense', Buffer.from('{"offset":-1}').toString('base64url'), 'x'.repeat(300)]) {
      expect((await rpc(revision, 'tools/list', { cursor })).error).toMatchObject({ code: -32602 });
    }
  });
});
