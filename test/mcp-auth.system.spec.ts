import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCT } from '#core';
import { nowSeconds, rsaKeyPair, signed, unsigned, validClaims, withPayload } from '../libs/auth/src/testing/token-forge.js';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { SERVER_INSTRUCTIONS } from '../libs/mcp/src/server-instructions.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import { LEGACY_REVISIONS, MODERN_REVISION, postMcp, REVISIONS, type LegacyRevision } from './support/mcp-session.js';
import type { RestAnswer } from './support/rest.js';

const LIST_TOOLS = { method: 'tools/list' };
const PUT = { method: 'tools/call', params: { name: 'memory_put', arguments: { key: 'k', value: 1 } } };
const SERVER_INFO = { name: 'ledgerline', title: 'Ledgerline', version: PRODUCT.version };

describe.each(['sqlite', 'postgres'] as const)('MCP authorization against the started platform (dev issuer, %s)', (kind) => {
  let harness: PlatformHarness;
  let platform: PlatformProcess;
  let secret: Buffer;
  let audience: string;
  let challengeUrl: string;
  const claims = (overrides: Record<string, unknown> = {}) => validClaims(platform.url, audience, { scope: 'memory:read memory:write', ...overrides });
  const valid = (overrides: Record<string, unknown> = {}) => signed(claims(overrides), secret, 'HS256');

  beforeAll(async () => {
    harness = await startPlatformOn(kind);
    platform = harness.platform;
    audience = `${platform.url}/mcp`;
    challengeUrl = `${platform.url}/.well-known/oauth-protected-resource/mcp`;
    secret = harness.issuer.verificationKey();
  });
  afterAll(async () => harness?.stop());

  it('serves RFC 9728 metadata at both paths', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const metadata = (await (await fetch(`${platform.url}${path}`)).json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({ resource: audience, authorization_servers: [platform.url], bearer_methods_supported: ['header'] });
      expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['memory:read', 'memory:write']));
    }
  });

  describe.each(REVISIONS)('on revision %s', (revision) => {
    const post = (token: string | undefined, request: Parameters<typeof postMcp>[3] = LIST_TOOLS, headers: Record<string, string> = {}): Promise<RestAnswer> =>
      postMcp(platform, token, revision, request, { headers });

    it('challenges a request without a token with 401 and where to find the authorization server', async () => {
      const response = await post(undefined);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${challengeUrl}"`);
    });

    it('accepts a valid token', async () => {
      const response = await post(valid());
      expect(response.status).toBe(200);
      expect(response.text).toContain('memory_put');
    });

    const rejected: Array<[string, () => string]> = [
      ['expired', () => valid({ exp: nowSeconds() - 120 })],
      ['not yet valid', () => valid({ nbf: nowSeconds() + 600 })],
      ['for another audience', () => valid({ aud: 'http://127.0.0.1:1/mcp' })],
      ['from another issuer', () => valid({ iss: 'https://evil.example' })],
      ['tampered (tenant changed after signing)', () => withPayload(valid(), claims({ tenant_id: 'someone-else' }))],
      ['alg none', () => unsigned(claims())],
      ['signed with another secret', () => signed(claims(), Buffer.alloc(32, 7), 'HS256')],
      ['signed with HS512', () => signed(claims(), secret, 'HS512')],
      ["naming the platform's reserved tenant", () => valid({ tenant_id: 'ledgerline-platform' })],
    ];

    it.each(rejected)('answers 401 invalid_token to a token %s, without echoing it', async (_case, token) => {
      const value = token();
      const response = await post(value);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", resource_metadata="${challengeUrl}"`);
      expect(response.text).not.toContain(value.split('.')[1]);
    });

    it('refuses browser requests from a foreign Origin (DNS rebinding) and allows its own', async () => {
      const foreign = await post(valid(), LIST_TOOLS, { Origin: 'http://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.body).toEqual({ error: 'forbidden_origin', error_description: 'the Origin of this request is not allowed' });
      expect((await post(valid(), LIST_TOOLS, { Origin: platform.url })).status).toBe(200);
    });

    it('checks in order: the Origin (403), then the token (401), then the tool scope (403 insufficient_scope), and runs nothing refused', async () => {
      const tenant = `order-${kind}-${revision}`;
      const reader = valid({ tenant_id: tenant, scope: 'memory:read' });
      const before = await harness.store.committedPosition();
      // A foreign Origin is refused before the token is looked at: no token, or one lacking the scope, is still 403 forbidden_origin.
      for (const token of [undefined, reader]) {
        const answer = await post(token, PUT, { Origin: 'http://evil.example' });
        expect([answer.status, answer.body.error, answer.headers.get('www-authenticate')]).toEqual([403, 'forbidden_origin', null]);
      }
      // A missing or invalid token is 401 before the scope of the tool is weighed.
      expect((await post(undefined, PUT)).headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${challengeUrl}"`);
      const forged = await post(signed(claims({ tenant_id: tenant, scope: 'memory:read' }), Buffer.alloc(32, 7), 'HS256'), PUT);
      expect([forged.status, forged.headers.get('www-authenticate')]).toEqual([401, `Bearer error="invalid_token", resource_metadata="${challengeUrl}"`]);
      // A valid token without the tool's scope: 403 naming the scope, before the tool (or its arguments) is touched.
      const lacking = await post(reader, { method: 'tools/call', params: { name: 'memory_put', arguments: { key: 'has space' } } });
      expect([lacking.status, lacking.headers.get('www-authenticate')]).toEqual([403, `Bearer error="insufficient_scope", scope="memory:write", resource_metadata="${challengeUrl}"`]);
      expect(lacking.body).toEqual({ error: 'insufficient_scope', error_description: 'this call needs the scope memory:write' });
      expect(await harness.store.committedPosition()).toBe(before);
    });

    it(`answers a method it does not serve with -32601 Method not found (on HTTP ${revision === MODERN_REVISION ? '404, as 2026-07-28 requires' : '200'})`, async () => {
      const answer = await post(valid(), { id: 4, method: 'resources/list' });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: revision === MODERN_REVISION ? 404 : 200, body: { jsonrpc: '2.0', id: 4, error: { code: -32601, message: 'Method not found' } } });
    });

    it('refuses a body over the size limit with a typed 413, whatever it carries', async () => {
      const answer = await post(valid(), { method: 'tools/call', params: { name: 'memory_put', arguments: { key: 'k', value: 'x'.repeat(200 * 1024) } } });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 413, body: { error: { code: 'request.too_large', message: expect.any(String), details: {} } } });
    });

    it('is stateless: GET and DELETE on /mcp are 405', async () => {
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(`${platform.url}/mcp`, { method, headers: { Authorization: `Bearer ${valid()}`, 'MCP-Protocol-Version': revision } });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
      }
    });
  });

  // As a 2025 client opens: no MCP-Protocol-Version header yet, the version it asks for in the body.
  const initialize = (token: string, version: LegacyRevision): Promise<RestAnswer> =>
    postMcp(platform, token, version, { method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 't', version: '1' } } }, { headers: { 'MCP-Protocol-Version': undefined } });

  it.each(LEGACY_REVISIONS)('still initializes on %s and serves its calls', async (version) => {
    const token = valid();
    const answer = await initialize(token, version);
    // Tasks in 2025-11-25's own capability (the 2026-07-28 revision names them as an extension instead).
    expect(answer.body.result).toEqual({
      protocolVersion: version,
      capabilities: { tools: { listChanged: false }, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
      serverInfo: SERVER_INFO,
      instructions: SERVER_INSTRUCTIONS,
    });
    expect((await postMcp(platform, token, version, LIST_TOOLS)).status).toBe(200);
  });

  it('refuses a 2025-style request naming an unknown revision with 400', async () => {
    expect((await postMcp(platform, valid(), LEGACY_REVISIONS[0], LIST_TOOLS, { headers: { 'MCP-Protocol-Version': '1999-01-01' } })).status).toBe(400);
  });

  describe(`on revision ${MODERN_REVISION} only`, () => {
    const discover = { method: 'server/discover' };

    it('answers server/discover with the revision, the capabilities, the instructions and serverInfo, all as initialize tells them', async () => {
      const token = valid();
      const answer = await postMcp(platform, token, MODERN_REVISION, discover);
      expect(answer.status).toBe(200);
      expect(answer.body.result).toMatchObject({
        resultType: 'complete',
        supportedVersions: expect.arrayContaining([MODERN_REVISION]),
        capabilities: { tools: { listChanged: false } },
        instructions: SERVER_INSTRUCTIONS,
        _meta: { 'io.modelcontextprotocol/serverInfo': SERVER_INFO },
      });
      const legacy = (await initialize(token, LEGACY_REVISIONS[0])).body.result as { instructions: string; serverInfo: unknown };
      expect([legacy.instructions, legacy.serverInfo]).toEqual([SERVER_INSTRUCTIONS, SERVER_INFO]);
    });

    // server/discover and the -32022 error name every revision the endpoint serves: the SDK alone would name 2026-07-28 only.
    it('names every revision it serves, 2025 ones included, in server/discover and in UnsupportedProtocolVersionError', async () => {
      // The 2025 leg also answers 2024-11-05 and 2024-10-07 initializes (the SDK's legacy list).
      const served = [MODERN_REVISION, ...LEGACY_REVISIONS, '2024-11-05', '2024-10-07'];
      const discovered = (await postMcp(platform, valid(), MODERN_REVISION, discover)).body.result as { supportedVersions: string[] };
      expect([...discovered.supportedVersions].sort()).toEqual([...served].sort());
      const unsupported = await postMcp(platform, valid(), MODERN_REVISION, { method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } } }, { headers: { 'MCP-Protocol-Version': '2099-01-01' } });
      expect([...(unsupported.body.error as { data: { supported: string[] } }).data.supported].sort()).toEqual([...served].sort());
    });

    it('refuses a request whose envelope names an unknown revision with 400 UnsupportedProtocolVersionError (-32022)', async () => {
      const answer = await postMcp(platform, valid(), MODERN_REVISION, { id: 9, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } } }, {
        headers: { 'MCP-Protocol-Version': '2099-01-01' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ id: 9, error: { code: -32022, data: { requested: '2099-01-01', supported: expect.arrayContaining([MODERN_REVISION]) } } });
    });

    it('refuses a request whose Mcp-Method or Mcp-Name header disagrees with its body with 400 HeaderMismatch (-32020), and runs nothing', async () => {
      const tenant = `headers-${kind}`;
      const token = valid({ tenant_id: tenant });
      const put = { id: 5, method: 'tools/call', params: { name: 'memory_put', arguments: { key: 'k', value: 1 } } };
      const cases: Array<[Record<string, string>, string]> = [
        [{ 'Mcp-Method': 'tools/list' }, 'the body names method tools/call but the Mcp-Method header names tools/list'],
        [{ 'Mcp-Name': 'memory_get' }, 'the body carries params.name="memory_put" but the Mcp-Name header names "memory_get"'],
      ];
      for (const [headers, mismatch] of cases) {
        const answer = await postMcp(platform, token, MODERN_REVISION, put, { headers });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ jsonrpc: '2.0', id: 5, error: { code: -32020, message: `Bad Request: the request headers and body disagree: ${mismatch}` } });
      }
      // Headers required on this revision, missing: refused the same way.
      const withoutName = await postMcp(platform, token, MODERN_REVISION, put, { headers: { 'Mcp-Name': undefined } });
      expect([withoutName.status, (withoutName.body.error as { code: number }).code]).toEqual([400, -32020]);
      expect(await collect(harness.store.readAll({ tenantId: tenant }))).toEqual([]);
      // The token still comes first: without one, the same request is 401.
      expect((await postMcp(platform, undefined, MODERN_REVISION, put, { headers: cases[0]![0] })).status).toBe(401);
      // With headers that agree, the same call runs, once.
      expect(((await postMcp(platform, token, MODERN_REVISION, put)).body.result as { structuredContent: unknown }).structuredContent).toMatchObject({ changed: true });
      expect(await collect(harness.store.readAll({ tenantId: tenant }))).toHaveLength(1);
    });

    it('refuses a request with the 2026-07-28 header but no _meta envelope with 400 invalid params naming what is missing', async () => {
      // A 2025-shaped body (no envelope) under this revision's headers.
      const answer = await postMcp(platform, valid(), LEGACY_REVISIONS[0], { id: 3, method: 'tools/list' }, { headers: { 'MCP-Protocol-Version': MODERN_REVISION, 'Mcp-Method': 'tools/list' } });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ id: 3, error: { code: -32602, data: { envelope: { missing: ['_meta'] } } } });
    });
  });
});

describe('MCP authorization against the started platform (external issuer, RS256 public key)', () => {
  let platform: PlatformProcess;
  let dir: string;
  const keys = rsaKeyPair();
  const issuer = 'https://issuer.example';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerline-rs-'));
    writeFileSync(join(dir, 'issuer.pem'), keys.publicPem);
    platform = await startPlatform({
      LEDGERLINE_AUTH_ISSUER: issuer,
      LEDGERLINE_AUTH_PUBLIC_KEY_FILE: join(dir, 'issuer.pem'),
      LEDGERLINE_AUTH_ALGORITHMS: 'RS256',
    });
  });
  afterAll(async () => {
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(REVISIONS)('on %s, accepts RS256 from the issuer and refuses HS/RS confusion and HS256 tokens', async (revision) => {
    const claims = validClaims(issuer, `${platform.url}/mcp`, { scope: 'memory:read' });
    const status = async (token: string): Promise<number> => (await postMcp(platform, token, revision, LIST_TOOLS)).status;
    expect(await status(signed(claims, keys.privateKey, 'RS256'))).toBe(200);
    // The classic confusion attack: HMAC-sign with the public key as the secret.
    expect(await status(signed(claims, Buffer.from(keys.publicPem), 'HS256'))).toBe(401);
    expect(await status(signed(claims, Buffer.alloc(32, 1), 'HS256'))).toBe(401);
    expect(await status(unsigned(claims))).toBe(401);
  });
});
