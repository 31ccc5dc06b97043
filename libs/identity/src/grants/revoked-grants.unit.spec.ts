import { describe, expect, it } from '@jest/globals';
import { UnauthenticatedError, type Principal } from '#auth';
import type { Revocation, RevocationStore } from '../store/identity-store.port.js';
import { revocationSubject } from './revocation-subjects.js';
import { RevokedGrants } from './revoked-grants.js';

function memoryRevocations(): RevocationStore {
  const rows: Revocation[] = [];
  return {
    async add(subject, tenantId, revokedAt) {
      if (rows.some((row) => row.subject === subject)) return false;
      rows.push({ seq: rows.length + 1, subject, tenantId, revokedAt });
      return true;
    },
    async remove(subject) {
      rows.splice(rows.findIndex((row) => row.subject === subject), 1);
    },
    async since(afterSeq, limit) {
      return rows.filter((row) => row.seq > afterSeq).slice(0, limit);
    },
  };
}

const alice: Principal = { tenantId: 'acme', userId: 'alice', clientId: 'https://agent.example/client.json', grantId: 'g1', scopes: [] };

describe('RevokedGrants', () => {
  it('refuses a revoked grant, a client disabled everywhere, and a client its tenant disabled for itself, only there', async () => {
    const store = memoryRevocations();
    const revoked = new RevokedGrants(store);
    await revoked.poll();
    expect(() => revoked.assertActive(alice)).not.toThrow();

    await store.add(revocationSubject.clientInTenant('acme', alice.clientId), 'acme', 1);
    await revoked.poll();
    expect(() => revoked.assertActive(alice)).toThrow(UnauthenticatedError);
    expect(() => revoked.assertActive({ ...alice, tenantId: 'globex', grantId: 'g2' })).not.toThrow();
    expect(revoked.isClientBlockedIn('acme', alice.clientId)).toBe(true);
    expect(revoked.isClientDisabled(alice.clientId)).toBe(false);

    await revoked.revoke(revocationSubject.client('svc-1'), 'acme');
    expect(() => revoked.assertActive({ tenantId: 'acme', userId: 'svc-1', clientId: 'svc-1', scopes: [] })).toThrow('the client was disabled');
    await revoked.revoke(revocationSubject.grant('g3'), 'acme');
    expect(() => revoked.assertActive({ ...alice, clientId: 'other', grantId: 'g3' })).toThrow('the grant was revoked');
  });
});
