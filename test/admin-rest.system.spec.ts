import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PLATFORM_TENANT } from '#tenants';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

describe.each(['sqlite', 'postgres'] as const)('admin REST /v1/tenants on %s', (kind) => {
  let h: PlatformHarness;
  let admin: string;

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    admin = h.issuer.mint({ tenantId: 'acme', userId: 'root', scopes: ['platform:admin'] });
  });
  afterAll(async () => h?.stop());

  const call = (method: string, token: string | undefined, body?: unknown) =>
    fetch(`${h.platform.url}/v1/tenants`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const registryEvents = async () => collect(h.store.readAll({ tenantId: PLATFORM_TENANT }));

  it('has the demo tenant from the first start, creates tenants and lists them', async () => {
    const before = await (await call('GET', admin)).json() as Array<{ id: string }>;
    expect(before.map((t) => t.id)).toEqual(['demo']);
    const created = await call('POST', admin, { id: 'initech', name: 'Initech' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 'initech', name: 'Initech' });
    const after = await (await call('GET', admin)).json() as Array<{ id: string; name: string; createdBy: string }>;
    expect(after.map((t) => [t.id, t.name])).toEqual([['demo', 'Demo tenant'], ['initech', 'Initech']]);
    expect(after[1]!.createdBy).toBe('root');
    const events = await registryEvents();
    expect(events[events.length - 1]).toMatchObject({ type: 'TenantCreated', streamId: 'tenant-initech', data: { tenantId: 'initech', name: 'Initech' }, metadata: { userId: 'root' } });
  });

  it('refuses duplicates, reserved ids and bad bodies with typed errors, appending nothing', async () => {
    const before = await registryEvents();
    const duplicate = await call('POST', admin, { id: 'demo', name: 'again' });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ error: { code: 'tenant.exists' } });
    const reserved = await call('POST', admin, { id: PLATFORM_TENANT, name: 'mine' });
    expect(reserved.status).toBe(400);
    expect(await reserved.json()).toMatchObject({ error: { code: 'tenant.reserved_id' } });
    for (const body of [{ id: 'bad id', name: 'x' }, { id: 'ok' }, { id: 'ok', name: '' }, { id: 'ok', name: 'x', extra: true }, { id: 42, name: 'x' }]) {
      expect((await call('POST', admin, body)).status).toBe(400);
    }
    expect(await registryEvents()).toEqual(before);
  });

  it('answers 401 without a token and 403 without the platform:admin scope', async () => {
    const anonymous = await call('GET', undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('resource_metadata=');
    const tenantUser = h.issuer.mint({ tenantId: 'acme', userId: 'alice', scopes: ['memory:read', 'memory:write', 'audit:read'] });
    for (const [method, body] of [['GET', undefined], ['POST', { id: 'sneaky', name: 'x' }]] as const) {
      const response = await call(method, tenantUser, body);
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="platform:admin"');
    }
    expect((await registryEvents()).some((e) => e.streamId === 'tenant-sneaky')).toBe(false);
  });

  it('documents the admin API in OpenAPI at /docs', async () => {
    const document = await (await fetch(`${h.platform.url}/docs/openapi.json`)).json() as { paths: Record<string, Record<string, unknown>>; components: { securitySchemes: Record<string, unknown> } };
    expect(Object.keys(document.paths['/v1/tenants']!).sort()).toEqual(['get', 'post']);
    expect(document.components.securitySchemes).toHaveProperty('bearer');
    expect((await fetch(`${h.platform.url}/docs`)).status).toBe(200);
  });
});
