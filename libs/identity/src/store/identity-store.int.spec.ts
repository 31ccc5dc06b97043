import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../../event-store/src/postgres/postgres-test-database.js';
import type { ArtifactFilter, IdentityStore } from './identity-store.port.js';
import { PostgresIdentityStore } from './postgres-identity-store.js';
import { SqliteIdentityStore } from './sqlite-identity-store.js';

const grant = (account: string, clientId: string) => ({ accountId: account, clientId, kind: 'Grant' });

describe.each(['sqlite', 'postgres'] as const)('the identity store (%s)', (kind) => {
  let store: IdentityStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'ledgerline-identity-'));
      store = SqliteIdentityStore.open(join(dir, 'identity.db'));
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const database = await createTestDatabase('ll_test_identity');
      store = await PostgresIdentityStore.connect(database.url);
      cleanup = database.drop;
    }
    for (let i = 0; i < 7; i++) await store.artifacts.upsert('Grant', `g-alice-${i}`, grant('acme:alice', i % 2 === 0 ? 'agent-a' : 'agent-b'), Date.now() + 60_000);
    await store.artifacts.upsert('Grant', 'g-alice2', grant('acme:alice2', 'agent-a'), undefined);
    await store.artifacts.upsert('Grant', 'g-bob', grant('acme:bob', 'agent-a'), undefined);
    await store.artifacts.upsert('Grant', 'g-other', grant('globex:alice', 'agent-a'), undefined);
    await store.artifacts.upsert('Grant', 'g-like', grant('a_me:alice', 'agent-a'), undefined);
    await store.artifacts.upsert('Grant', 'g-gone', grant('acme:alice', 'agent-a'), Date.now() - 1);
    await store.artifacts.upsert('Client', 'svc-1', { client_id: 'svc-1', tenant_id: 'acme' }, undefined);
    await store.artifacts.upsert('Client', 'dcr-1', { client_id: 'dcr-1' }, undefined);
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  const ids = async (model: string, filter: Omit<ArtifactFilter, 'limit'>) => (await store.artifacts.listByModel(model, { ...filter, limit: 100 })).map((row) => row.id).sort();

  it("one person's grants exactly (not a longer name's), a tenant's by prefix (LIKE metacharacters literal), never an expired one", async () => {
    expect(await ids('Grant', { account: 'acme:alice' })).toEqual(['g-alice-0', 'g-alice-1', 'g-alice-2', 'g-alice-3', 'g-alice-4', 'g-alice-5', 'g-alice-6']);
    expect(await ids('Grant', { accountPrefix: 'acme:' })).toHaveLength(9);
    expect(await ids('Grant', { accountPrefix: 'a_me:' })).toEqual(['g-like']);
    expect(await ids('Grant', { accountPrefix: 'globex:' })).toEqual(['g-other']);
  });

  it("narrows by the payload's client", async () => {
    expect(await ids('Grant', { account: 'acme:alice', clientId: 'agent-b' })).toEqual(['g-alice-1', 'g-alice-3', 'g-alice-5']);
    expect(await ids('Grant', { accountPrefix: 'globex:', clientId: 'agent-b' })).toEqual([]);
  });

  it('pages newest first from a position: every row once, in order, however many share a millisecond', async () => {
    const seen: string[] = [];
    let after: ArtifactFilter['after'];
    for (let page = 0; page < 10; page++) {
      const rows = await store.artifacts.listByModel('Grant', { accountPrefix: 'acme:', limit: 2, ...(after && { after }) });
      seen.push(...rows.map((row) => row.id));
      if (rows.length < 2) break;
      after = { createdAt: rows.at(-1)!.createdAt, id: rows.at(-1)!.id };
    }
    const all = await store.artifacts.listByModel('Grant', { accountPrefix: 'acme:', limit: 100 });
    expect(seen).toEqual(all.map((row) => row.id));
    expect(new Set(seen).size).toBe(9);
    const times = all.map((row) => row.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('a client a tenant admin registered is owned by its tenant; a self-registered one by nobody', async () => {
    expect(await ids('Client', { accountPrefix: 'acme:' })).toEqual(['svc-1']);
    expect(await ids('Grant', { accountPrefix: 'acme:', clientId: 'svc-1' })).toEqual([]);
  });

  it("counts every tenant's local accounts, disabled ones too (the start banner's first-user hint)", async () => {
    expect(await store.accounts.count()).toBe(0);
    for (const [tenantId, username] of [['acme', 'alice'], ['acme', 'bob'], ['globex', 'alice']] as const) {
      await store.accounts.add({ tenantId, username, passwordHash: 'scrypt$x', createdAt: 1 });
    }
    await store.accounts.setDisabled('acme', 'bob', true);
    expect(await store.accounts.count()).toBe(3);
  });

  it('records grant usage in one batch, keeps the later time per grant, and answers a tenant only its own', async () => {
    await store.grantUsage.record([]);
    await store.grantUsage.record([{ grantId: 'u-1', tenantId: 'acme', lastUsedAt: 2_000 }, { grantId: 'u-2', tenantId: 'acme', lastUsedAt: 2_000 }, { grantId: 'u-3', tenantId: 'globex', lastUsedAt: 2_000 }]);
    await store.grantUsage.record([{ grantId: 'u-1', tenantId: 'acme', lastUsedAt: 1_000 }, { grantId: 'u-2', tenantId: 'acme', lastUsedAt: 3_000 }]);
    expect(Object.fromEntries(await store.grantUsage.lastUsed('acme', ['u-1', 'u-2', 'u-3', 'u-none']))).toEqual({ 'u-1': 2_000, 'u-2': 3_000 });
    expect(Object.fromEntries(await store.grantUsage.lastUsed('globex', ['u-3', 'u-1']))).toEqual({ 'u-3': 2_000 });
    expect((await store.grantUsage.lastUsed('acme', [])).size).toBe(0);
    const many = Array.from({ length: 2_000 }, (_, i) => ({ grantId: `m-${i}`, tenantId: 'acme', lastUsedAt: 10_000 + i }));
    await store.grantUsage.record(many);
    expect((await store.grantUsage.lastUsed('acme', many.map((use) => use.grantId))).get('m-1999')).toBe(11_999);
  });
});
