import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DevIssuer } from '#auth';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from './app.module.js';
import { configureApp } from './configure-app.js';

const PUBLIC_URL = 'http://ledgerline.test';

describe('the configured platform app refusing bad bodies', () => {
  let app: INestApplication;
  let url: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-http-errors-'));

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot({ LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PUBLIC_URL: PUBLIC_URL })] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = async (path: string, body: string, contentType = 'application/json') => {
    const response = await fetch(`${url}${path}`, { method: 'PUT', headers: { 'content-type': contentType }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') };
  };

  it("types the body parser's refusals, which reach filters as plain HttpExceptions", async () => {
    expect(await send('/v1/memory/retention', JSON.stringify({ days: 'x'.repeat(200_000) }))).toMatchObject({ status: 413, body: { error: { code: 'request.too_large' } } });
    expect(await send('/v1/memory/retention', '{"days":')).toMatchObject({ status: 400, body: { error: { code: 'request.invalid' } } });
    expect(await send('/v1/nowhere', '{}')).toMatchObject({ status: 404, body: { error: { code: 'route.not_found' } } });
  });

  it('answers a method a known path does not have with 405 and the methods it has, before any authentication; an unknown path stays 404', async () => {
    for (const method of ['DELETE', 'PATCH', 'POST']) {
      const response = await fetch(`${url}/v1/memory/retention`, { method, headers: { 'content-type': 'application/json' }, body: '{"days":1}' });
      expect({ status: response.status, allow: response.headers.get('allow'), body: await response.json() }).toEqual({
        status: 405, allow: 'GET, HEAD, PUT',
        body: { error: { code: 'route.method_not_allowed', message: `${method} is not allowed on this path`, details: { allowed: ['GET', 'HEAD', 'PUT'] } } },
      });
    }
    // Path parameters count: a run's route is known whatever the run id.
    const run = await fetch(`${url}/v1/runs/run-00000000-0000-4000-8000-000000000000`, { method: 'PUT' });
    expect(run.status).toBe(405);
    expect(run.headers.get('allow')).toContain('GET');
    const unknown = await fetch(`${url}/v1/nowhere`, { method: 'DELETE' });
    expect({ status: unknown.status, allow: unknown.headers.get('allow') }).toEqual({ status: 404, allow: null });
  });

  it('refuses a body nested deeper than the validators can recurse with a typed 400 (guards first)', async () => {
    let deep = '1';
    for (let i = 0; i < 10_000; i++) deep = `{"a":${deep}}`;
    const refused = await send('/v1/memory/retention', `{"days":${deep}}`);
    expect(refused).toMatchObject({ status: 401 });
    const token = DevIssuer.openOrCreate(dataDir, { issuer: PUBLIC_URL, audience: `${PUBLIC_URL}/mcp` }).mint({ tenantId: 'acme', userId: 'root', scopes: ['memory:admin'] });
    const response = await fetch(`${url}/v1/memory/retention`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: `{"days":${deep}}` });
    expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 400, body: { error: { code: 'request.too_deep', details: { maxDepth: 100 } } } });
  });

  it('leaves authentication challenges as they are', async () => {
    const refused = await send('/v1/memory/retention', '{"days":1}');
    expect(refused.status).toBe(401);
    expect(refused.challenge).toMatch(/^Bearer /);
    expect(refused.body).not.toHaveProperty('error.code');
  });
});
