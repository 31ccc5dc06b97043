import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowSeconds, rsaKeyPair, signed, unsigned, validClaims, withPayload } from '../libs/auth/src/testing/token-forge.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';

const LIST_TOOLS = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });

function postMcp(platform: PlatformProcess, token: string | undefined, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${platform.url}/mcp`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: LIST_TOOLS,
  });
}

describe.each(['sqlite', 'postgres'] as const)('MCP authorization against the started platform (dev issuer, %s)', (kind) => {
  let harness: PlatformHarness;
  let platform: PlatformProcess;
  let secret: Buffer;
  let audience: string;
  const claims = (overrides: Record<string, unknown> = {}) => validClaims(platform.url, audience, { scope: 'memory:read memory:write', ...overrides });

  beforeAll(async () => {
    harness = await startPlatformOn(kind);
    platform = harness.platform;
    audience = `${platform.url}/mcp`;
    secret = harness.issuer.verificationKey();
  });
  afterAll(async () => harness?.stop());

  it('serves RFC 9728 metadata at both paths and challenges a request without a token', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const metadata = (await (await fetch(`${platform.url}${path}`)).json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({ resource: audience, authorization_servers: [platform.url], bearer_methods_supported: ['header'] });
      expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['memory:read', 'memory:write']));
    }
    const response = await postMcp(platform, undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${platform.url}/.well-known/oauth-protected-resource/mcp"`);
  });

  it('accepts a valid token', async () => {
    const response = await postMcp(platform, signed(claims(), secret, 'HS256'));
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain('memory_put');
  });

  const rejected: Array<[string, () => string]> = [
    ['expired', () => signed(claims({ exp: nowSeconds() - 120 }), secret, 'HS256')],
    ['not yet valid', () => signed(claims({ nbf: nowSeconds() + 600 }), secret, 'HS256')],
    ['for another audience', () => signed(claims({ aud: 'http://127.0.0.1:1/mcp' }), secret, 'HS256')],
    ['from another issuer', () => signed(claims({ iss: 'https://evil.example' }), secret, 'HS256')],
    ['tampered (tenant changed after signing)', () => withPayload(signed(claims(), secret, 'HS256'), claims({ tenant_id: 'someone-else' }))],
    ['alg none', () => unsigned(claims())],
    ['signed with another secret', () => signed(claims(), Buffer.alloc(32, 7), 'HS256')],
    ['signed with HS512', () => signed(claims(), secret, 'HS512')],
    ["naming the platform's reserved tenant", () => signed(claims({ tenant_id: 'ledgerline-platform' }), secret, 'HS256')],
  ];

  it.each(rejected)('answers 401 invalid_token to a token %s, without echoing it', async (_case, token) => {
    const value = token();
    const response = await postMcp(platform, value);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", resource_metadata="${platform.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(await response.text()).not.toContain(value.split('.')[1]);
  });

  it('refuses browser requests from a foreign Origin (DNS rebinding) and allows its own', async () => {
    const token = signed(claims(), secret, 'HS256');
    expect((await postMcp(platform, token, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await postMcp(platform, token, { Origin: platform.url })).status).toBe(200);
  });

  it('serves every protocol revision of the SDK, the newest included', async () => {
    const token = signed(claims(), secret, 'HS256');
    for (const version of ['2025-11-25', '2025-06-18', '2025-03-26']) {
      const initialize = await fetch(`${platform.url}/mcp`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
      });
      expect(((await initialize.json()) as { result: { protocolVersion: string } }).result.protocolVersion).toBe(version);
      expect((await postMcp(platform, token, { 'mcp-protocol-version': version })).status).toBe(200);
    }
    expect((await postMcp(platform, token, { 'mcp-protocol-version': '1999-01-01' })).status).toBe(400);
  });

  it('is stateless: GET and DELETE on /mcp are 405', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${platform.url}/mcp`, { method, headers: { Authorization: `Bearer ${signed(claims(), secret, 'HS256')}` } });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
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

  it('accepts RS256 from the issuer and refuses HS/RS confusion and HS256 tokens', async () => {
    const audience = `${platform.url}/mcp`;
    const claims = validClaims(issuer, audience, { scope: 'memory:read' });
    expect((await postMcp(platform, signed(claims, keys.privateKey, 'RS256'))).status).toBe(200);
    // The classic confusion attack: HMAC-sign with the public key as the secret.
    expect((await postMcp(platform, signed(claims, Buffer.from(keys.publicPem), 'HS256'))).status).toBe(401);
    expect((await postMcp(platform, signed(claims, Buffer.alloc(32, 1), 'HS256'))).status).toBe(401);
    expect((await postMcp(platform, unsigned(claims))).status).toBe(401);
  });
});
