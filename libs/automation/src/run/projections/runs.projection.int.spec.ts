import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JsonObject } from '#core';
import type { RecordedEvent } from '#event-store';
import type { SqliteViewDb } from '#projections';
import { emptyViewsOf, planRecorder } from '../../../../projections/src/testing/query-plans.js';
import type { RunEvent } from '../run.events.js';
import { runsProjection } from './runs.projection.js';

const RUN = 'run-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
let position = 0;

function recorded<T extends RunEvent['type']>(type: T, data: Extract<RunEvent, { type: T }>['data']): RecordedEvent {
  position += 1;
  return {
    globalPosition: position, tenantId: 'acme', tenantPosition: position, streamId: RUN, streamVersion: position, eventId: `e${position}`,
    type, schemaVersion: 1, data: data as JsonObject, metadata: {}, recordedAt: new Date(1_800_000_000_000 + position).toISOString(), hash: '',
  };
}

// What the view's query planner does with the statements the runs view runs as it applies a run's
// events: each finds the run's own rows by key, however many runs and approvals the tenant has
// (the console bench's catch-up of 100,000 runs found a run's end reading every pending approval).
describe("the runs view's writes on the embedded view database", () => {
  let built: { views: SqliteViewDb; close(): Promise<void> };

  beforeAll(async () => {
    built = await emptyViewsOf(runsProjection);
  });
  afterAll(async () => {
    await built?.close();
  });

  it("reads and changes each run's rows by its key, from its start to each way it can end", async () => {
    const { sql, plans } = planRecorder(built.views);
    const approvalId = `${RUN}.ask`;
    const events = [
      recorded('RunStarted', { runId: RUN, automation: 'refund', version: 1, input: {}, startedBy: 'ada', startedAt: 0, deadlineAt: 1, stepIds: ['ask', 'pay'], secretPins: { erp: 1 } }),
      recorded('ApprovalRequested', { approvalId, stepId: 'ask', prompt: 'ok?', requestedBy: 'ada', deadlineAt: null }),
      recorded('ApprovalEscalated', { approvalId, stepId: 'ask', group: 'cfo', dueAt: 1, nextNoticeAt: 2 }),
      recorded('ApprovalReminderDue', { approvalId, stepId: 'ask', n: 1, dueAt: 1, nextNoticeAt: 2 }),
      recorded('ApprovalNotificationStarted', { approvalId, stepId: 'ask', notice: 'reminder:1', attempt: 1, startedAt: 1, leaseUntil: 2 }),
      recorded('ApprovalNotificationFailed', { approvalId, stepId: 'ask', notice: 'reminder:1', attempt: 1, errorClass: 'server', code: 'connector.http_5xx', message: '503', status: 503, retryAt: 2 }),
      recorded('ApprovalNotificationSent', { approvalId, stepId: 'ask', notice: 'reminder:1', attempt: 2, status: 200, connectorCall: { connector: 'chat', ok: true, status: 200, errorClass: null } }),
      recorded('ApprovalGranted', { approvalId, stepId: 'ask', decidedBy: 'mia', reason: 'fine' }),
      recorded('StepStarted', { stepId: 'pay', attempt: 1, startedAt: 0, leaseUntil: 1 }),
      recorded('StepFailed', { stepId: 'pay', attempt: 1, errorClass: 'server', code: 'connector.http_5xx', message: '503', status: 503, retryAt: 2 }),
      recorded('RunCancelRequested', { reason: 'stop', requestedBy: 'ada' }),
      recorded('ApprovalExpired', { approvalId, stepId: 'ask' }),
      recorded('RunCompleted', { outputs: {} }),
      recorded('RunFailed', { reason: 'step.failed', stepId: 'pay', message: 'no' }),
      recorded('RunCancelled', { reason: 'stop', requestedBy: 'ada', compensated: [], compensationFailed: [] }),
      recorded('RunTimedOut', { deadlineAt: 1 }),
    ];
    for (const event of events) await runsProjection.apply(sql, event);
    expect(plans.some((plan) => plan.includes('approvals_by_run'))).toBe(true);
    for (const plan of plans) expect(plan).toMatch(/^SEARCH \w+ USING (COVERING )?INDEX \w+ \(tenant_id=\? AND (run_id|approval_id)=\?/);
  });

  it('keeps the next reminder or escalation beside the due time, so the scheduler wakes for it after a restart', async () => {
    const sql = built.views;
    const run = 'run-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
    const approvalId = `${run}.ask`;
    const on = (event: RecordedEvent): RecordedEvent => ({ ...event, streamId: run });
    const schedule = async (): Promise<unknown> => (await built.views.all(`SELECT due_at, notice_at FROM run_schedule WHERE run_id = ?`, [run]))[0];
    const groups = async (): Promise<unknown> => (await built.views.all(`SELECT group_name FROM approval_groups WHERE approval_id = ? ORDER BY group_name`, [approvalId])).map((row) => (row as { group_name: string }).group_name);
    await runsProjection.apply(sql, on(recorded('RunStarted', { runId: run, automation: 'refund', version: 1, input: {}, startedBy: 'ada', startedAt: 0, deadlineAt: 9000, stepIds: ['ask'], secretPins: {} })));
    await runsProjection.apply(sql, on(recorded('ApprovalRequested', { approvalId, stepId: 'ask', prompt: 'ok?', requestedBy: 'ada', deadlineAt: 5000, group: 'finance', requestedAt: 0, nextNoticeAt: 1000 })));
    expect(await schedule()).toEqual({ due_at: 5000, notice_at: 1000 });
    expect(await groups()).toEqual(['finance']);
    await runsProjection.apply(sql, on(recorded('ApprovalReminderDue', { approvalId, stepId: 'ask', n: 1, dueAt: 1000, nextNoticeAt: 1500 })));
    expect(await schedule()).toEqual({ due_at: 0, notice_at: 1500 });
    await runsProjection.apply(sql, on(recorded('ApprovalNotificationStarted', { approvalId, stepId: 'ask', notice: 'reminder:1', attempt: 1, startedAt: 1000, leaseUntil: 1200 })));
    expect(await schedule()).toEqual({ due_at: 1200, notice_at: 1500 });
    await runsProjection.apply(sql, on(recorded('ApprovalNotificationSent', { approvalId, stepId: 'ask', notice: 'reminder:1', attempt: 1, status: 200, connectorCall: { connector: 'chat', ok: true, status: 200, errorClass: null } })));
    expect(await schedule()).toEqual({ due_at: 5000, notice_at: 1500 });
    await runsProjection.apply(sql, on(recorded('ApprovalEscalated', { approvalId, stepId: 'ask', group: 'cfo', dueAt: 1500, nextNoticeAt: 2000 })));
    expect(await groups()).toEqual(['cfo', 'finance']);
    await runsProjection.apply(sql, on(recorded('ApprovalDenied', { approvalId, stepId: 'ask', decidedBy: 'mia', reason: 'no' })));
    expect(await schedule()).toEqual({ due_at: 0, notice_at: null });
  });
});
