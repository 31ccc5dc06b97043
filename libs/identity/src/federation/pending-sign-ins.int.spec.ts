import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { SqliteIdentityStore } from '../store/sqlite-identity-store.js';
import { bindingCookieName, PENDING_SECONDS, PendingSignIns } from './pending-sign-ins.js';

const dir = mkdtempSync(join(tmpdir(), 'll-pending-sign-ins-'));
const store = SqliteIdentityStore.open(join(dir, 'identity.db'));
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pending upstream sign-ins in the identity store', () => {
  it('are taken once, only with the starting browser\'s cookie; a state from another browser leaves them be', async () => {
    const pending = new PendingSignIns(store.artifacts);
    const { checks, binding } = await pending.begin('uid-1', 'default');
    expect(binding.name).toBe(bindingCookieName(checks.state));
    const cookies = (jar: Record<string, string>) => (name: string) => jar[name];
    expect(await pending.take(checks.state, cookies({}))).toBeUndefined();
    expect(await pending.take(checks.state, cookies({ [binding.name]: 'someone-else' }))).toBeUndefined();
    expect(await pending.take('forged', cookies({ [binding.name]: binding.value }))).toBeUndefined();
    expect(await pending.take(checks.state, cookies({ [binding.name]: binding.value }))).toEqual({ interactionUid: 'uid-1', providerId: 'default', checks });
    expect(await pending.take(checks.state, cookies({ [binding.name]: binding.value }))).toBeUndefined();
  });

  it('are stored under the state\'s hash, with the cookie\'s hash only, and expire', async () => {
    const pending = new PendingSignIns(store.artifacts);
    const { checks, binding } = await pending.begin('uid-2', 'default');
    const stored = await store.artifacts.find('UpstreamSignIn', createHash('sha256').update(checks.state).digest('base64url'));
    expect(stored?.payload).toMatchObject({ interactionUid: 'uid-2', binding: createHash('sha256').update(binding.value).digest('base64url') });
    expect(JSON.stringify(stored)).not.toContain(binding.value);
    expect(await store.artifacts.prune(Date.now() + PENDING_SECONDS * 1000 + 1)).toBeGreaterThan(0);
    expect(await pending.take(checks.state, () => binding.value)).toBeUndefined();
  });
});
