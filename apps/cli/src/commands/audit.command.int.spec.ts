import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditEntriesProjection, type AuditEntry } from '#audit';
import type { JsonObject } from '#core';
import { openViewDb, Projector, type ViewDb } from '#projections';
import { storeSettingsFromEnv } from '../stores.js';
import { cliHarness, type CliHarness } from '../testing/cli-harness.js';

const meta = (userId: string, tool: string, scopes: string[]) => ({ userId, tool, scopes, correlationId: `c-${tool}` });
const definition: JsonObject = { steps: [{ id: 'notify', type: 'call', connector: 'crm', request: {}, compensate: { connector: 'ledger', request: {} } }, { id: 'gate', type: 'approval', prompt: 'ok?' }] };
const RUN = 'run-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

interface Page {
  entries: AuditEntry[];
  nextCursor: string | null;
}

describe.each(['sqlite', 'postgres'] as const)('ledgerline audit on %s', (kind) => {
  let h: CliHarness;
  let views: ViewDb;
  let midTime: string;
  const audit = async (args: string[]): Promise<Page> => {
    const run = await h.cli(['audit', '--tenant', 'acme', ...args, '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as Page;
  };
  const types = (page: Page) => page.entries.map((e) => e.type);

  beforeAll(async () => {
    h = await cliHarness(kind);
    const { store } = h;
    await store.append('acme', 'memory:user:alice:notes', 'no-stream', [{ type: 'MemoryItemPut', data: { key: 'k', value: 'secret note' }, metadata: meta('alice', 'memory_put', ['memory:write']) }]);
    await store.append('acme', 'connector-crm', 'no-stream', [{ type: 'ConnectorRegistered', data: { name: 'crm', description: '', config: {} }, metadata: meta('root', 'connector_register', ['connectors:admin']) }]);
    await store.append('acme', 'automation-onboard', 'no-stream', [{ type: 'AutomationPublished', data: { name: 'onboard', version: 1, definition }, metadata: meta('root', 'automation_publish', ['automations:admin']) }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    midTime = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.append('acme', RUN, 'no-stream', [
      { type: 'RunStarted', data: { runId: RUN, automation: 'onboard', version: 1, input: {}, startedBy: 'bob', startedAt: 0, deadlineAt: 0, stepIds: ['notify', 'gate'], secretPins: {} }, metadata: meta('bob', 'onboard', ['automation:onboard']) },
      { type: 'StepStarted', data: { stepId: 'notify', attempt: 1, startedAt: 0, leaseUntil: 0 }, metadata: { userId: 'bob' } },
      { type: 'StepSucceeded', data: { stepId: 'notify', attempt: 1, output: {}, connectorCall: { connector: 'crm', ok: true, status: 200, errorClass: null } }, metadata: { userId: 'bob' } },
      { type: 'CompensationStarted', data: { stepId: 'notify', attempt: 1, startedAt: 0, leaseUntil: 0 }, metadata: { userId: 'bob' } },
      { type: 'ApprovalRequested', data: { approvalId: `${RUN}.gate`, stepId: 'gate', prompt: 'ok?', requestedBy: 'bob', deadlineAt: null }, metadata: { userId: 'bob' } },
    ]);
    await store.append('globex', 'connector-crm', 'no-stream', [{ type: 'ConnectorRegistered', data: { name: 'crm', description: '', config: {} }, metadata: meta('mallory', 'connector_register', ['connectors:admin']) }]);
    views = openViewDb(storeSettingsFromEnv(h.env).settings);
    const projector = new Projector(store, views, auditEntriesProjection);
    await projector.start();
    await projector.stop();
  });
  afterAll(async () => {
    await views?.close();
    await h?.cleanup();
  });

  it('lists the tenant trail newest first with what each event touched, never event data', async () => {
    const page = await audit([]);
    expect(types(page)).toEqual(['ApprovalRequested', 'CompensationStarted', 'StepSucceeded', 'StepStarted', 'RunStarted', 'AutomationPublished', 'ConnectorRegistered', 'MemoryItemPut']);
    expect(page.entries.map((e) => [e.connector, e.automation, e.runId])).toEqual([
      [null, 'onboard', RUN], ['ledger', 'onboard', RUN], ['crm', 'onboard', RUN], ['crm', 'onboard', RUN], [null, 'onboard', RUN],
      [null, 'onboard', null], ['crm', null, null], [null, null, null],
    ]);
    expect(page.entries.at(-1)).toMatchObject({ userId: 'alice', tool: 'memory_put', scopes: ['memory:write'], streamId: 'memory:user:alice:notes', streamVersion: 1 });
    expect(JSON.stringify(page)).not.toContain('secret note');
    expect(JSON.stringify(page)).not.toContain('mallory');
    expect((await h.cli(['audit', '--tenant', 'acme', '--limit', '1'])).stdout).toMatch(/ApprovalRequested {2}run-.* v5 {2}by bob {2}\(automation onboard, run run-.*\)\nmore: --cursor \S+\n$/);
  });

  it('filters by connector, user, tool, type or prefix, scope, stream, automation and [from, to)', async () => {
    expect(types(await audit(['--connector', 'crm']))).toEqual(['StepSucceeded', 'StepStarted', 'ConnectorRegistered']);
    expect(types(await audit(['--user', 'alice']))).toEqual(['MemoryItemPut']);
    expect(types(await audit(['--tool', 'automation_publish']))).toEqual(['AutomationPublished']);
    expect(types(await audit(['--type', 'Step*']))).toEqual(['StepSucceeded', 'StepStarted']);
    expect(types(await audit(['--type', 'RunStarted']))).toEqual(['RunStarted']);
    expect(types(await audit(['--scope', 'connectors:admin']))).toEqual(['ConnectorRegistered']);
    expect(types(await audit(['--scope', 'connectors']))).toEqual([]);
    expect(types(await audit(['--stream', 'connector-crm']))).toEqual(['ConnectorRegistered']);
    expect((await audit(['--automation', 'onboard'])).entries).toHaveLength(6);
    expect(types(await audit(['--to', midTime]))).toEqual(['AutomationPublished', 'ConnectorRegistered', 'MemoryItemPut']);
    expect(types(await audit(['--from', midTime, '--type', 'Run*']))).toEqual(['RunStarted']);
  });

  it('pages by an opaque cursor, newest or oldest first, without gaps or repeats', async () => {
    for (const order of ['desc', 'asc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await audit(['--order', order, '--limit', '3', ...(cursor ? ['--cursor', cursor] : [])]);
        seen.push(...page.entries.map((e) => String(e.position)));
        cursor = page.nextCursor;
      } while (cursor !== null);
      const all = (await audit(['--order', order])).entries.map((e) => String(e.position));
      expect(seen).toEqual(all);
      expect(all).toHaveLength(8);
    }
  });

  it('exits 2 with a typed message on bad filters', async () => {
    const desc = await audit(['--limit', '1']);
    const cases: Array<[string[], RegExp]> = [
      [['--limit', '501'], /invalid audit filter: limit: .*\[audit\.invalid_filter\]/],
      [['--limit', 'many'], /invalid audit filter: limit: .*\[audit\.invalid_filter\]/],
      [['--from', 'yesterday'], /invalid audit filter: from: .*\[audit\.invalid_filter\]/],
      [['--from', '2025-01-02T00:00:00Z', '--to', '2025-01-01T00:00:00Z'], /from must be before to/],
      [['--order', 'sideways'], /invalid audit filter: order: .*\[audit\.invalid_filter\]/],
      [['--connector', 'Bad Name'], /invalid audit filter: connector: .*\[audit\.invalid_filter\]/],
      [['--type', 'Step**'], /invalid audit filter: type: .*\[audit\.invalid_filter\]/],
      [['--cursor', 'not-a-cursor'], /\[audit\.invalid_cursor\]/],
      [['--cursor', desc.nextCursor!, '--order', 'asc'], /\[audit\.invalid_cursor\]/],
      [['--tenant', 'bad tenant'], /\[store\.invalid_tenant_id\]/],
    ];
    for (const [args, message] of cases) {
      const run = await h.cli(['audit', '--tenant', 'acme', ...args]);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
  });
});
