import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPROVER_GROUPS_STREAM } from '#automation';
import type { CommandMetadata } from '#core';
import { PostgresEventStore, SqliteEventStore, type EventStore, type RecordedEvent } from '#event-store';
import { createTestDatabase } from '../../../event-store/src/postgres/postgres-test-database.js';
import { collect } from '../../../event-store/src/testing/event-store.contract.js';
import { POLICIES_STREAM } from '../policy-stream.js';
import { CedarThread, InlineCedar } from '../cedar/cedar-engine.js';
import { INLINE_CEDAR_STATEMENTS, TenantPolicyGate } from './tenant-policy-gate.js';

const BIG = 'forbid(principal, action, resource == Tool::"pay_invoice") when { context.arguments.amount > 500 };';
const caller = (tenantId: string, groups: string[] = []): CommandMetadata => ({ tenantId, userId: 'alice', clientId: 'claude', scopes: ['automation:pay_invoice'], groups, correlationId: 'corr' });
const pay = (tenantId: string, amount: unknown) => ({ metadata: caller(tenantId), tool: 'pay_invoice', scope: 'automation:pay_invoice', input: { invoiceId: 'i-1', amount }, canAwaitApproval: false });
const ALLOW = { decision: 'allow' };
const published = (name: string, version: number, mode: string, text = BIG) => ({ type: 'PolicyPublished', data: { name, version, text, mode } });

async function open(kind: 'sqlite' | 'postgres'): Promise<{ store: EventStore; cleanup(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-policy-gate-'));
    return { store: SqliteEventStore.open({ path: join(dir, 'events.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const database = await createTestDatabase();
  return { store: await PostgresEventStore.connect({ connectionString: database.url }), cleanup: database.drop };
}

describe.each(['sqlite', 'postgres'] as const)('the tenant policy gate on %s', (kind) => {
  let store: EventStore;
  let cleanup: () => Promise<void>;
  let gate: TenantPolicyGate;
  const eventsOf = (tenantId: string): Promise<RecordedEvent[]> => collect(store.readAll({ tenantId }));
  /** A call let through, once its evaluation's record is durable (as the front door awaits it): the verdict without the record's promise. */
  const checked = async (call: Parameters<TenantPolicyGate['check']>[0]) => {
    const { recorded, ...verdict } = await gate.check(call);
    expect(await recorded).toBeUndefined();
    return verdict;
  };
  const evaluations = async (tenantId: string) => (await eventsOf(tenantId)).filter((e) => e.type === 'PolicyEvaluated').map((e) => e.data as { mode: string; decision: string });

  beforeAll(async () => {
    ({ store, cleanup } = await open(kind));
    gate = new TenantPolicyGate(store);
  });
  afterAll(async () => {
    await gate?.onModuleDestroy();
    await store?.close();
    await cleanup?.();
  });

  it('lets every call of a tenant without policies through, evaluating and appending nothing', async () => {
    await checked(pay('empty', 900));
    expect(await eventsOf('empty')).toEqual([]);
  });

  it('log-only records a would-be denial and lets the call through; enforce refuses it and records only the evaluation', async () => {
    await store.append('acme', POLICIES_STREAM, 'no-stream', [published('big', 1, 'log-only')]);
    await checked(pay('acme', 900));
    expect(await evaluations('acme')).toEqual([expect.objectContaining({ mode: 'log-only', decision: 'deny', matchedPolicies: ['big'], argumentKeys: ['invoiceId', 'amount'] })]);

    // Another process switches the mode: the next call sees it (the stream's tail is read on every call).
    await store.append('acme', POLICIES_STREAM, 1, [{ type: 'PolicyModeChanged', data: { name: 'big', version: 1, mode: 'enforce' } }]);
    const before = (await eventsOf('acme')).length;
    await expect(gate.check(pay('acme', 900))).rejects.toMatchObject({ code: 'policy.denied', kind: 'forbidden' });
    const appended = (await eventsOf('acme')).slice(before);
    expect(appended.map((event) => [event.type, event.streamId.startsWith('policy-evaluations-'), (event.data as { mode: string }).mode])).toEqual([['PolicyEvaluated', true, 'enforce']]);
    expect(appended[0]!.metadata).toMatchObject({ userId: 'alice', clientId: 'claude', tool: 'pay_invoice' });
    await checked(pay('acme', 100));
  });

  it('evaluates enforce and log-only policies apart: only the enforce decision refuses', async () => {
    await store.append('both', POLICIES_STREAM, 'no-stream', [
      published('strict', 1, 'log-only', 'forbid(principal, action, resource);'),
      published('big', 1, 'enforce'),
    ]);
    await checked(pay('both', 100));
    expect((await evaluations('both')).map(({ mode, decision }) => [mode, decision])).toEqual([['enforce', 'allow'], ['log-only', 'deny']]);
  });

  it('refuses when a policy fails to evaluate, and when a stored policy no longer validates (fail closed)', async () => {
    await expect(gate.check(pay('acme', 'a lot'))).rejects.toMatchObject({ code: 'policy.evaluation_failed', details: { policies: ['big'] } });
    await expect(gate.check(pay('acme', { value: 900 }))).rejects.toMatchObject({ code: 'policy.evaluation_failed' });
    // As if the schema or Cedar had changed since it was published: it no longer validates.
    await store.append('stale', POLICIES_STREAM, 'no-stream', [published('old', 1, 'enforce', 'forbid(principal, action, resource) when { principal.department == "x" };')]);
    await expect(gate.check(pay('stale', 1))).rejects.toMatchObject({ code: 'policy.evaluation_failed', details: { policies: ['old'] } });
    expect(await evaluations('stale')).toEqual([expect.objectContaining({ decision: 'error', erroredPolicies: ['old'] })]);
  });

  it('asks for the annotated group\'s approval, and reads the caller\'s groups', async () => {
    const text = '@requireApproval("managers")\nforbid(principal, action, resource) when { context.arguments.amount > 500 } unless { principal.groups.contains("finance") };';
    await store.append('approvals', POLICIES_STREAM, 'no-stream', [published('big', 1, 'enforce', text)]);
    await expect(gate.check(pay('approvals', 900))).rejects.toMatchObject({ code: 'policy.approval_required', details: { groups: ['managers'], policies: ['big'] } });
    expect(await checked({ ...pay('approvals', 900), metadata: caller('approvals', ['finance']) })).toEqual(ALLOW);
    // A call that can wait (a run's start) is let through with the approval to wait for, instead of refused.
    expect(await checked({ ...pay('approvals', 900), canAwaitApproval: true })).toEqual({ decision: 'approval_required', approval: { groups: ['managers'], policies: ['big'] } });
    expect(await checked({ ...pay('approvals', 100), canAwaitApproval: true })).toEqual(ALLOW);
  });

  it('sees the tenant\'s approver groups that list the caller, as of the call', async () => {
    await store.append('groups', POLICIES_STREAM, 'no-stream', [published('finance_only', 1, 'enforce', 'forbid(principal, action, resource) unless { principal.groups.contains("finance") };')]);
    await expect(gate.check(pay('groups', 1))).rejects.toMatchObject({ code: 'policy.denied' });
    await store.append('groups', APPROVER_GROUPS_STREAM, 'no-stream', [{ type: 'GroupMembersSet', data: { group: 'finance', members: ['alice', 'carol'] } }]);
    expect(await checked(pay('groups', 1))).toEqual(ALLOW);
    await store.append('groups', APPROVER_GROUPS_STREAM, 1, [{ type: 'GroupMembersSet', data: { group: 'finance', members: ['carol'] } }]);
    await expect(gate.check(pay('groups', 1))).rejects.toMatchObject({ code: 'policy.denied' });
    // Another tenant's list names alice in vain.
    await store.append('groups-other', APPROVER_GROUPS_STREAM, 'no-stream', [{ type: 'GroupMembersSet', data: { group: 'finance', members: ['alice'] } }]);
    await expect(gate.check(pay('groups', 1))).rejects.toMatchObject({ code: 'policy.denied' });
  });

  it('evaluates a small set on the event loop and a large one on the Cedar thread, deciding alike', async () => {
    const inline = jest.spyOn(InlineCedar.prototype, 'authorize');
    const thread = jest.spyOn(CedarThread.prototype, 'authorize');
    try {
      await store.append('large', POLICIES_STREAM, 'no-stream', [published('big', 1, 'enforce')]);
      await expect(gate.check(pay('large', 900))).rejects.toMatchObject({ code: 'policy.denied', details: { policies: ['big'] } });
      expect([inline.mock.calls.length, thread.mock.calls.length]).toEqual([1, 0]);
      // One statement more than evaluates inline: the set goes to the thread, and still decides.
      const fillers = Array.from({ length: INLINE_CEDAR_STATEMENTS }, (_, k) => published(`filler_${k}`, 1, 'enforce', `forbid(principal, action, resource == Tool::"other_${k}");`));
      await store.append('large', POLICIES_STREAM, 1, fillers);
      await expect(gate.check(pay('large', 900))).rejects.toMatchObject({ code: 'policy.denied', details: { policies: ['big'] } });
      expect(await checked(pay('large', 100))).toEqual(ALLOW);
      expect([inline.mock.calls.length, thread.mock.calls.length]).toEqual([1, 2]);
    } finally {
      inline.mockRestore();
      thread.mockRestore();
    }
  });

  it('never applies one tenant\'s policies to another\'s calls', async () => {
    await checked(pay('globex', 900));
    expect(await eventsOf('globex')).toEqual([]);
  });
});
