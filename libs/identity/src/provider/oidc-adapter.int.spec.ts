import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MasterKey, openDataKeyStore, SecretVault } from '#keys';
import type { Adapter } from 'oidc-provider';
import { ClientSecretSeal } from '../clients/client-secret-seal.js';
import { SqliteIdentityStore } from '../store/sqlite-identity-store.js';
import { oidcAdapterClass } from './oidc-adapter.js';

describe('the oidc-provider adapter keeps client secrets sealed at rest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-adapter-'));
  const disabled = new Set<string>();
  let store: SqliteIdentityStore;
  let clients: Adapter;
  let closeKeys: () => Promise<void>;
  const secret = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    store = SqliteIdentityStore.open(join(dir, 'identity.db'));
    const keys = await openDataKeyStore({ kind: 'sqlite', dataDir: dir });
    closeKeys = () => keys.close();
    const Adapter = oidcAdapterClass({
      artifacts: store.artifacts,
      clientSecrets: new ClientSecretSeal(new SecretVault(MasterKey.fromBytes(randomBytes(32)), keys)),
      onGrantDestroyed: async () => undefined,
      isClientDisabled: (clientId) => disabled.has(clientId),
    });
    clients = new Adapter('Client');
  });
  afterAll(async () => {
    await store.close();
    await closeKeys();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores no plaintext secret, and gives the library the secret back', async () => {
    await clients.upsert('svc-acme', { client_id: 'svc-acme', client_secret: secret, tenant_id: 'acme', grant_types: ['client_credentials'] }, 0);
    await clients.upsert('dcr-1', { client_id: 'dcr-1', client_secret: `${secret}-dcr` }, 0);
    expect(await clients.find('svc-acme')).toMatchObject({ client_id: 'svc-acme', client_secret: secret, tenant_id: 'acme' });
    expect(await clients.find('dcr-1')).toMatchObject({ client_secret: `${secret}-dcr` });
    const raw = readdirSync(dir).filter((name) => name.startsWith('identity.db')).map((name) => readFileSync(join(dir, name)).toString('latin1')).join('');
    expect(raw).toContain('svc-acme');
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('a sealed secret moved onto another client does not open: that client is not found', async () => {
    const stolen = (await store.artifacts.find('Client', 'svc-acme'))!.payload;
    await store.artifacts.upsert('Client', 'svc-thief', { ...stolen, client_id: 'svc-thief' }, undefined);
    expect(await clients.find('svc-thief')).toBeUndefined();
  });

  it('a disabled client is found by nobody; a client without a secret passes through', async () => {
    disabled.add('svc-acme');
    expect(await clients.find('svc-acme')).toBeUndefined();
    await clients.upsert('public-1', { client_id: 'public-1', token_endpoint_auth_method: 'none' }, 0);
    expect(await clients.find('public-1')).toEqual({ client_id: 'public-1', token_endpoint_auth_method: 'none' });
  });
});
