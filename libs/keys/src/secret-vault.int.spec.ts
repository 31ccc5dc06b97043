import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainError, IllegalStateError, NotFoundError, ValidationError } from '#core';
import BetterSqlite3 from 'better-sqlite3';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '../../event-store/src/postgres/postgres-test-database.js';
import type { DataKeyStore } from './data-key-store.port.js';
import { MasterKey } from './master-key.js';
import { openDataKeyStore } from './open-data-key-store.js';
import type { SealedSecret } from './sealed-secret.js';
import { SecretVault } from './secret-vault.js';

interface KeyRow {
  key_id: string;
  wrapped_key: string;
  master_key_id: string;
  destroyed_at: string | null;
}

interface Harness {
  store: DataKeyStore;
  /** Another connection to the same keys, as another process would open. */
  openStore(): Promise<DataKeyStore>;
  rows(tenantId: string): Promise<KeyRow[]>;
  cleanup(): Promise<void>;
}

async function harness(kind: 'sqlite' | 'postgres'): Promise<Harness> {
  if (kind === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-vault-'));
    const openStore = () => openDataKeyStore({ kind, dataDir });
    return {
      store: await openStore(),
      openStore,
      rows: async (tenantId) => {
        const db = new BetterSqlite3(join(dataDir, 'keys.db'), { readonly: true });
        try {
          return db.prepare('SELECT key_id, wrapped_key, master_key_id, destroyed_at FROM ll_data_keys WHERE tenant_id = ? ORDER BY key_id').all(tenantId) as KeyRow[];
        } finally {
          db.close();
        }
      },
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const database = await createTestDatabase('ll_test_keys');
  const openStore = () => openDataKeyStore({ kind, connectionString: database.url });
  return {
    store: await openStore(),
    openStore,
    rows: async (tenantId) => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query<KeyRow>('SELECT key_id, wrapped_key, master_key_id, destroyed_at FROM ll_data_keys WHERE tenant_id = $1 ORDER BY key_id', [tenantId])).rows;
      } finally {
        await client.end();
      }
    },
    cleanup: database.drop,
  };
}

async function refusal(promise: Promise<unknown>, type: abstract new (...args: never[]) => DomainError, code: string): Promise<DomainError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(type);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

const flipByte = (base64: string, index = 0) => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes.toString('base64');
};

let tenants = 0;
const newTenant = () => `tenant-${++tenants}-${randomBytes(3).toString('hex')}`;
const CONTEXT = 'connector/github/v1';

describe.each(['sqlite', 'postgres'] as const)('SecretVault on %s', (kind) => {
  let h: Harness;
  const masterKeyBytes = randomBytes(32);
  let masterKey: MasterKey;
  let vault: SecretVault;
  const extraStores: DataKeyStore[] = [];

  beforeAll(async () => {
    h = await harness(kind);
    masterKey = MasterKey.fromBytes(masterKeyBytes);
    vault = new SecretVault(masterKey, h.store);
  });
  afterAll(async () => {
    for (const store of extraStores) await store.close();
    await h?.store.close();
    await h?.cleanup();
  });
  async function anotherStore(): Promise<DataKeyStore> {
    const store = await h.openStore();
    extraStores.push(store);
    return store;
  }

  it('opens what it sealed, as plain JSON data', async () => {
    const tenant = newTenant();
    for (const secret of ['ghp_s3cr3t-token', '', 'pässwörd 🔑 with spaces', 'x'.repeat(64 * 1024)]) {
      const sealed = await vault.seal(tenant, secret, CONTEXT);
      expect(sealed).toEqual({ v: 1, keyId: 'k1', iv: expect.any(String), ciphertext: expect.any(String), tag: expect.any(String) });
      expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
      expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
      expect(await vault.open(tenant, JSON.parse(JSON.stringify(sealed)) as SealedSecret, CONTEXT)).toBe(secret);
    }
  });

  it('never shows the plaintext in the sealed form, and seals the same value differently each time', async () => {
    const tenant = newTenant();
    const secret = 'sk_live_51HvS3cr3tValueThatMustNotLeak';
    const first = await vault.seal(tenant, secret, CONTEXT);
    const second = await vault.seal(tenant, secret, CONTEXT);
    for (const sealed of [first, second]) {
      const json = JSON.stringify(sealed);
      for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), Buffer.from(secret).toString('hex')]) {
        expect(json).not.toContain(form);
      }
      expect(Buffer.from(sealed.ciphertext, 'base64').includes(Buffer.from(secret))).toBe(false);
    }
    expect(second.iv).not.toBe(first.iv);
    expect(second.ciphertext).not.toBe(first.ciphertext);
    expect(await vault.open(tenant, first, CONTEXT)).toBe(secret);
    expect(await vault.open(tenant, second, CONTEXT)).toBe(secret);
  });

  it('does not open a secret for another tenant or in another context', async () => {
    const [acme, globex, initech] = [newTenant(), newTenant(), newTenant()];
    const sealed = await vault.seal(acme, 'acme-only', CONTEXT);
    await vault.seal(globex, 'globex has a k1 too', CONTEXT);
    await refusal(vault.open(globex, sealed, CONTEXT), IllegalStateError, 'secrets.unreadable');
    await refusal(vault.open(initech, sealed, CONTEXT), NotFoundError, 'secrets.key_unknown');
    await refusal(vault.open(acme, sealed, 'connector/github/v2'), IllegalStateError, 'secrets.unreadable');
    await refusal(vault.open(acme, { ...sealed, keyId: 'k9' }, CONTEXT), NotFoundError, 'secrets.key_unknown');
    expect(await vault.open(acme, sealed, CONTEXT)).toBe('acme-only');
  });

  it('refuses a tampered or malformed sealed secret as unreadable, without echoing anything secret', async () => {
    const tenant = newTenant();
    const sealed = await vault.seal(tenant, 'tamper-proof', CONTEXT);
    for (const tampered of [
      { ...sealed, ciphertext: flipByte(sealed.ciphertext) },
      { ...sealed, ciphertext: flipByte(sealed.ciphertext, 11) },
      { ...sealed, tag: flipByte(sealed.tag, 15) },
      { ...sealed, iv: flipByte(sealed.iv, 5) },
      { ...sealed, ciphertext: '' },
      { ...sealed, v: 2 },
      { ...sealed, iv: 'not base64!' },
      { ...sealed, tag: Buffer.alloc(8).toString('base64') },
      { keyId: 'k1' },
      null,
    ]) {
      const error = await refusal(vault.open(tenant, tampered as SealedSecret, CONTEXT), IllegalStateError, 'secrets.unreadable');
      expect(`${error.message} ${JSON.stringify(error.details)}`).not.toMatch(/tamper-proof/);
    }
  });

  it('refuses a bad tenant id, context or plaintext before touching any key', async () => {
    const tenant = newTenant();
    await refusal(vault.seal('not a tenant', 'x', CONTEXT), ValidationError, 'store.invalid_tenant_id');
    await refusal(vault.seal(tenant, 'x', ''), ValidationError, 'secrets.invalid_context');
    await refusal(vault.seal(tenant, 'x', 'has space'), ValidationError, 'secrets.invalid_context');
    await refusal(vault.seal(tenant, 'lone \ud800 surrogate', CONTEXT), ValidationError, 'secrets.invalid_plaintext');
    await refusal(vault.seal(tenant, 42 as unknown as string, CONTEXT), ValidationError, 'secrets.invalid_plaintext');
    await refusal(vault.seal(tenant, 'x'.repeat(64 * 1024 + 1), CONTEXT), ValidationError, 'secrets.too_large');
    expect(await h.rows(tenant)).toEqual([]);
  });

  it('names a wrong master key instead of failing to decrypt, and creates no key with it', async () => {
    const tenant = newTenant();
    const sealed = await vault.seal(tenant, 'needs the right master key', CONTEXT);
    const wrong = new SecretVault(MasterKey.fromBytes(randomBytes(32)), h.store);
    const error = await refusal(wrong.open(tenant, sealed, CONTEXT), IllegalStateError, 'secrets.master_key_mismatch');
    expect(error.details).toMatchObject({ tenantId: tenant, keyId: 'k1', wrappedWith: masterKey.keyId });
    await refusal(wrong.seal(tenant, 'more', CONTEXT), IllegalStateError, 'secrets.master_key_mismatch');
    expect((await h.rows(tenant)).map((row) => row.key_id)).toEqual(['k1']);
  });

  it('crypto-shreds: after destroy and forget, the tenant\'s secrets are gone and other tenants are unaffected', async () => {
    const [doomed, other] = [newTenant(), newTenant()];
    const sealed = await vault.seal(doomed, 'shred me', CONTEXT);
    const kept = await vault.seal(other, 'keep me', CONTEXT);

    expect(await h.store.destroy(doomed)).toBe(1);
    vault.forget(doomed);
    await refusal(vault.open(doomed, sealed, CONTEXT), IllegalStateError, 'secrets.key_destroyed');
    await refusal(new SecretVault(masterKey, await anotherStore()).open(doomed, sealed, CONTEXT), IllegalStateError, 'secrets.key_destroyed');
    expect(await vault.open(other, kept, CONTEXT)).toBe('keep me');
    expect(await h.store.destroy(doomed)).toBe(0);

    const [row] = await h.rows(doomed);
    expect(row).toMatchObject({ key_id: 'k1', wrapped_key: '', destroyed_at: expect.any(String) });
    expect(await h.store.active(doomed)).toBeUndefined();

    // A later seal gets a new key; what the old one sealed stays unreadable.
    const fresh = await vault.seal(doomed, 'after the shred', CONTEXT);
    expect(fresh.keyId).toBe('k2');
    expect(await vault.open(doomed, fresh, CONTEXT)).toBe('after the shred');
    await refusal(vault.open(doomed, sealed, CONTEXT), IllegalStateError, 'secrets.key_destroyed');
    expect(await h.store.destroy(doomed, { keyId: 'k2' })).toBe(1);
  });

  it('creates exactly one data key when 20 first seals race in one vault', async () => {
    const tenant = newTenant();
    const secrets = Array.from({ length: 20 }, (_, i) => `secret-${i}`);
    const sealed = await Promise.all(secrets.map((secret) => vault.seal(tenant, secret, CONTEXT)));
    expect(new Set(sealed.map((s) => s.keyId))).toEqual(new Set(['k1']));
    expect(await h.rows(tenant)).toHaveLength(1);
    expect(await Promise.all(sealed.map((s) => vault.open(tenant, s, CONTEXT)))).toEqual(secrets);
  });

  it.each([
    ['two vaults on one store', async () => h.store],
    ['two vaults on their own connections, as two processes', anotherStore],
  ])('creates exactly one data key when %s race', async (_, secondStore) => {
    const vaults = [new SecretVault(masterKey, h.store), new SecretVault(masterKey, await secondStore())];
    // Several rounds: a race lost at a different step each time.
    for (let round = 0; round < 5; round++) {
      const tenant = newTenant();
      const sealed = await Promise.all(Array.from({ length: 20 }, (_, i) => vaults[i % 2]!.seal(tenant, `secret-${i}`, CONTEXT)));
      expect(await h.rows(tenant)).toHaveLength(1);
      expect(new Set(sealed.map((s) => s.keyId))).toEqual(new Set(['k1']));
      for (const [i, s] of sealed.entries()) {
        expect(await vaults[(i + 1) % 2]!.open(tenant, s, CONTEXT)).toBe(`secret-${i}`);
      }
    }
  });

  it.each(['active', 'get'] as const)('uses the key another process creates right after its own %s() found none', async (step) => {
    const tenant = newTenant();
    const rival = new SecretVault(masterKey, await anotherStore());
    let rivalSealed: SealedSecret | undefined;
    // This vault's store lets the rival seal (and create k1) right after the step finds nothing.
    const interleaving: DataKeyStore = {
      active: (tenantId, ring) => h.store.active(tenantId, ring),
      get: (tenantId, keyId) => h.store.get(tenantId, keyId),
      insert: (key) => h.store.insert(key),
      destroy: (tenantId, which) => h.store.destroy(tenantId, which),
      close: async () => undefined,
      [step]: async (tenantId: string, keyId: string) => {
        const found = await h.store[step](tenantId, keyId);
        if (!found && !rivalSealed) rivalSealed = await rival.seal(tenant, 'rival', CONTEXT);
        return found;
      },
    };
    const sealed = await new SecretVault(masterKey, interleaving).seal(tenant, 'mine', CONTEXT);
    expect(rivalSealed?.keyId).toBe('k1');
    expect(sealed.keyId).toBe('k1');
    expect((await h.rows(tenant)).map((row) => row.key_id)).toEqual(['k1']);
    expect(await rival.open(tenant, sealed, CONTEXT)).toBe('mine');
  });

  it('opens after a restart what the previous vault sealed', async () => {
    const tenant = newTenant();
    const sealed = await vault.seal(tenant, 'survives restarts', CONTEXT);
    const restarted = new SecretVault(MasterKey.fromBytes(masterKeyBytes), await anotherStore());
    expect(await restarted.open(tenant, sealed, CONTEXT)).toBe('survives restarts');
    expect((await restarted.seal(tenant, 'same key', CONTEXT)).keyId).toBe('k1');
  });

  it('stores the data key wrapped, never raw, and the wrapped key only unwraps for its own tenant', async () => {
    const tenant = newTenant();
    const sealed = await vault.seal(tenant, 'wrapped at rest', CONTEXT);
    const [row] = await h.rows(tenant);
    expect(row).toMatchObject({ key_id: 'k1', master_key_id: masterKey.keyId, destroyed_at: null });
    const wrapped = Buffer.from(row!.wrapped_key, 'base64');
    expect(wrapped).toHaveLength(12 + 32 + 16);

    const raw = masterKey.unwrap(row!.wrapped_key, `ledgerline/data-key/${tenant}/k1`)!;
    expect(raw).toHaveLength(32);
    expect(wrapped.includes(raw)).toBe(false);
    expect(row!.wrapped_key).not.toContain(raw.toString('base64'));
    // It is the data key: it decrypts the sealed secret directly.
    const decipher = createDecipheriv('aes-256-gcm', raw, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(`ledgerline/secret/${tenant}/${CONTEXT}`));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    expect(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString()).toBe('wrapped at rest');

    const thief = newTenant();
    await h.store.insert({ tenantId: thief, keyId: 'k1', wrappedKey: row!.wrapped_key, masterKeyId: masterKey.keyId, createdAt: new Date().toISOString(), destroyedAt: null });
    await refusal(vault.seal(thief, 'x', CONTEXT), IllegalStateError, 'secrets.unreadable');
    await refusal(vault.open(thief, sealed, CONTEXT), IllegalStateError, 'secrets.unreadable');
  });
});


describe('SqliteDataKeyStore', () => {
  it('keeps <dataDir>/keys.db owner-only and in WAL mode', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-keys-db-'));
    try {
      const store = await openDataKeyStore({ kind: 'sqlite', dataDir });
      await new SecretVault(MasterKey.fromBytes(randomBytes(32)), store).seal('acme', 'x', CONTEXT);
      await store.close();
      expect(statSync(join(dataDir, 'keys.db')).mode & 0o777).toBe(0o600);
      const db = new BetterSqlite3(join(dataDir, 'keys.db'), { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
