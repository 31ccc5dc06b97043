import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JsonValue } from '#core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretUnreadableError } from '../secrets.errors.js';
import { openPersonalDataVault } from './open-personal-data-vault.js';
import { ERASED, type PersonalDataVault, type SealedPersonalData } from './personal-data-vault.js';

describe('PersonalDataVault.openAll', () => {
  const tenant = 'tenant-a';
  const context = 'memory:user:alice:notes';
  let dir: string;
  let vault: PersonalDataVault;
  let close: () => Promise<void>;
  const seal = (subject: string, value: JsonValue): Promise<SealedPersonalData> => vault.sealValue(tenant, subject, value, context);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'll-personal-'));
    ({ vault, close } = await openPersonalDataVault({ kind: 'sqlite', dataDir: dir }, { dataDir: dir }));
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens every sealed value at any depth, in objects and arrays, keeping every other value and the key order', async () => {
    const data = {
      key: 'home',
      value: await seal('alice', { street: '1 Main St' }),
      history: [1, await seal('alice', 'old address'), { note: await seal('bob', ['b', 2]), kept: true }],
      nested: { deeper: { secret: await seal('alice', 42) }, plain: null },
    };
    const opened = await vault.openAll(tenant, data, context);
    expect(opened).toEqual({
      key: 'home',
      value: { street: '1 Main St' },
      history: [1, 'old address', { note: ['b', 2], kept: true }],
      nested: { deeper: { secret: 42 }, plain: null },
    });
    expect(Object.keys(opened as object)).toEqual(['key', 'value', 'history', 'nested']);
    expect(Object.keys((opened as { history: object[] }).history[2]!)).toEqual(['note', 'kept']);
    expect(data.value).toHaveProperty('$sealed'); // the stored event is not touched
  });

  it('opens a value that is itself sealed, and says undefined when nothing was sealed', async () => {
    await expect(vault.openAll(tenant, await seal('alice', 'whole'), context)).resolves.toBe('whole');
    for (const plain of [{ a: [1, { b: 'c' }] }, [], 'text', null, { $sealed: { iv: 'not base64!' } }, { $sealed: null }]) {
      await expect(vault.openAll(tenant, plain as JsonValue, context)).resolves.toBeUndefined();
    }
  });

  it('shows a destroyed subject as ERASED beside the others, and refuses a value tampered with or moved', async () => {
    const data = { carol: await seal('carol', 'carol data'), dave: await seal('dave', 'dave data') };
    await vault.eraseSubject(tenant, 'carol');
    await expect(vault.openAll(tenant, data, context)).resolves.toEqual({ carol: ERASED, dave: 'dave data' });
    await expect(vault.openAll(tenant, { moved: data.dave }, 'memory:user:mallory:notes')).rejects.toThrow(SecretUnreadableError);
    const tampered = { ...data.dave.$sealed, ciphertext: Buffer.from('something else').toString('base64') };
    await expect(vault.openAll(tenant, [{ $sealed: tampered }], context)).rejects.toThrow(SecretUnreadableError);
  });
});
