import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import { FINAL_RUN_EVENTS, type RunEvent } from '../run.events.js';

export const RUNS_TABLE = 'runs';
export const RUN_SCHEDULE_TABLE = 'run_schedule';
export const APPROVALS_TABLE = 'approvals';
export const RUN_SECRET_PINS_TABLE = 'run_secret_pins';
/** The groups each approval is offered to (none: anyone with the approvals scope but the starter). */
export const APPROVAL_GROUPS_TABLE = 'approval_groups';

const FINAL_STATUS: Partial<Record<RunEvent['type'], string>> = { RunCompleted: 'completed', RunFailed: 'failed', RunCancelled: 'cancelled', RunTimedOut: 'timed_out' };

/**
 * The run list's pages (RunViews.listRuns), newest first: one index per filter that narrows by
 * equality (the starter, the status, the automation) and per pair with the starter, which every
 * user's own list has, each ending in the list's order so that a page and a time range are one
 * range of it. Other combinations read one of these and skip the rows the rest rules out.
 * Approvals are paged oldest first among the pending ones, and found by run when the run ends
 * (without approvals_by_run, every run's end read all of the tenant's pending approvals: more
 * than half the view's catch-up on a log of 100,000 runs with 2,500 approvals waiting).
 */
const RUNS_VIEW_INDEXES: Record<string, string> = {
  runs_by_start: `CREATE INDEX runs_by_start ON ${RUNS_TABLE} (tenant_id, started_at, started_position)`,
  runs_by_starter: `CREATE INDEX runs_by_starter ON ${RUNS_TABLE} (tenant_id, started_by, started_at, started_position)`,
  runs_by_status: `CREATE INDEX runs_by_status ON ${RUNS_TABLE} (tenant_id, status, started_at, started_position)`,
  runs_by_automation: `CREATE INDEX runs_by_automation ON ${RUNS_TABLE} (tenant_id, automation, started_at, started_position)`,
  runs_by_starter_status: `CREATE INDEX runs_by_starter_status ON ${RUNS_TABLE} (tenant_id, started_by, status, started_at, started_position)`,
  runs_by_starter_automation: `CREATE INDEX runs_by_starter_automation ON ${RUNS_TABLE} (tenant_id, started_by, automation, started_at, started_position)`,
  approvals_by_request: `CREATE INDEX approvals_by_request ON ${APPROVALS_TABLE} (tenant_id, status, requested_at, approval_id)`,
  approvals_by_run: `CREATE INDEX approvals_by_run ON ${APPROVALS_TABLE} (tenant_id, run_id)`,
  run_schedule_by_notice: `CREATE INDEX run_schedule_by_notice ON ${RUN_SCHEDULE_TABLE} (notice_at)`,
};

/**
 * Runs as their users and the saga need them: `runs` (my runs), `approvals` (what waits for a
 * decision), `run_schedule` (when each unfinished run next needs the saga: the durable timers)
 * and `run_secret_pins` (which secret versions unfinished runs hold). Every due time comes from
 * the event itself, so a rebuild gives the same schedule.
 */
export const runsProjection: Projection = {
  name: 'runs',
  version: 5,
  tables: {
    [RUNS_TABLE]: `CREATE TABLE ${RUNS_TABLE} (
      tenant_id TEXT NOT NULL, run_id TEXT NOT NULL, automation TEXT NOT NULL, version INTEGER NOT NULL,
      status TEXT NOT NULL, started_by TEXT NOT NULL, started_at TEXT NOT NULL, updated_at TEXT NOT NULL,
      current_step TEXT, last_error TEXT, stream_version INTEGER NOT NULL, started_position BIGINT NOT NULL,
      PRIMARY KEY (tenant_id, run_id))`,
    [RUN_SCHEDULE_TABLE]: `CREATE TABLE ${RUN_SCHEDULE_TABLE} (
      tenant_id TEXT NOT NULL, run_id TEXT NOT NULL, due_at BIGINT, deadline_at BIGINT NOT NULL, stream_version INTEGER NOT NULL,
      notice_at BIGINT, PRIMARY KEY (tenant_id, run_id))`,
    [APPROVALS_TABLE]: `CREATE TABLE ${APPROVALS_TABLE} (
      tenant_id TEXT NOT NULL, approval_id TEXT NOT NULL, run_id TEXT NOT NULL, step_id TEXT NOT NULL, automation TEXT NOT NULL,
      requested_by TEXT NOT NULL, prompt TEXT NOT NULL, requested_at TEXT NOT NULL, deadline_at BIGINT, status TEXT NOT NULL,
      decided_by TEXT, reason TEXT, PRIMARY KEY (tenant_id, approval_id))`,
    [APPROVAL_GROUPS_TABLE]: `CREATE TABLE ${APPROVAL_GROUPS_TABLE} (
      tenant_id TEXT NOT NULL, approval_id TEXT NOT NULL, group_name TEXT NOT NULL, PRIMARY KEY (tenant_id, approval_id, group_name))`,
    [RUN_SECRET_PINS_TABLE]: `CREATE TABLE ${RUN_SECRET_PINS_TABLE} (
      tenant_id TEXT NOT NULL, run_id TEXT NOT NULL, connector TEXT NOT NULL, secret_version INTEGER NOT NULL,
      PRIMARY KEY (tenant_id, run_id, connector))`,
  },
  indexes: RUNS_VIEW_INDEXES,
  handles: (event) => event.streamId.startsWith('run-'),
  async apply(tx: ViewSql, recorded: RecordedEvent): Promise<void> {
    const event = recorded as unknown as RunEvent;
    const { tenantId, streamId: runId, streamVersion, recordedAt } = recorded;
    if (event.type === 'RunStarted') {
      const d = event.data;
      await tx.run(
        `INSERT INTO ${RUNS_TABLE} (tenant_id, run_id, automation, version, status, started_by, started_at, updated_at, current_step, stream_version, started_position) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
        [tenantId, runId, d.automation, d.version, d.startedBy, recordedAt, recordedAt, d.stepIds[0] ?? null, streamVersion, recorded.globalPosition],
      );
      await tx.run(`INSERT INTO ${RUN_SCHEDULE_TABLE} (tenant_id, run_id, due_at, deadline_at, stream_version) VALUES (?, ?, 0, ?, ?)`, [tenantId, runId, d.deadlineAt, streamVersion]);
      for (const [connector, version] of Object.entries(d.secretPins)) {
        await tx.run(`INSERT INTO ${RUN_SECRET_PINS_TABLE} (tenant_id, run_id, connector, secret_version) VALUES (?, ?, ?, ?)`, [tenantId, runId, connector, version]);
      }
      return;
    }
    await tx.run(`UPDATE ${RUNS_TABLE} SET updated_at = ?, stream_version = ?${runColumns(event)} WHERE tenant_id = ? AND run_id = ?`, [recordedAt, streamVersion, ...runValues(event), tenantId, runId]);
    if (FINAL_RUN_EVENTS.has(event.type)) {
      await tx.run(`DELETE FROM ${RUN_SCHEDULE_TABLE} WHERE tenant_id = ? AND run_id = ?`, [tenantId, runId]);
      await tx.run(`DELETE FROM ${RUN_SECRET_PINS_TABLE} WHERE tenant_id = ? AND run_id = ?`, [tenantId, runId]);
      await tx.run(`UPDATE ${APPROVALS_TABLE} SET status = 'closed' WHERE tenant_id = ? AND run_id = ? AND status = 'pending'`, [tenantId, runId]);
    } else {
      await tx.run(`UPDATE ${RUN_SCHEDULE_TABLE} SET due_at = ?, stream_version = ? WHERE tenant_id = ? AND run_id = ?`, [dueAt(event), streamVersion, tenantId, runId]);
      await applyNoticeSchedule(tx, recorded, event);
    }
    await applyApproval(tx, recorded, event);
  },
};

/** When the saga should next look at the run after this event: now (0), at a time, or when someone acts (null). */
function dueAt(event: RunEvent): number | null {
  switch (event.type) {
    case 'StepStarted':
    case 'CompensationStarted':
    case 'ApprovalNotificationStarted':
      return event.data.leaseUntil;
    case 'StepFailed':
    case 'CompensationFailed':
      return event.data.retryAt ?? 0;
    case 'WaitStarted':
      return event.data.until;
    case 'ApprovalRequested':
      return event.data.deadlineAt;
    default:
      return 0;
  }
}

/**
 * When the run's next reminder or escalation falls due (notice_at), beside due_at: the saga wakes
 * for it after a restart. A delivery's outcome leaves the run due again at the approval's deadline,
 * as its request did; a decision, an expiry or a cancellation ends its notices.
 */
async function applyNoticeSchedule(tx: ViewSql, recorded: RecordedEvent, event: RunEvent): Promise<void> {
  const { tenantId, streamId: runId } = recorded;
  const setNotice = (at: number | null): Promise<unknown> => tx.run(`UPDATE ${RUN_SCHEDULE_TABLE} SET notice_at = ? WHERE tenant_id = ? AND run_id = ?`, [at, tenantId, runId]);
  switch (event.type) {
    case 'ApprovalRequested':
    case 'ApprovalReminderDue':
    case 'ApprovalEscalated':
      await setNotice(event.data.nextNoticeAt ?? null);
      return;
    case 'ApprovalGranted':
    case 'ApprovalDenied':
    case 'ApprovalExpired':
    case 'RunCancelRequested':
      await setNotice(null);
      return;
    case 'ApprovalNotificationSent':
    case 'ApprovalNotificationFailed': {
      const retryAt = event.type === 'ApprovalNotificationFailed' ? event.data.retryAt : null;
      const [approval] = await tx.all<{ deadline_at: number | string | null }>(`SELECT deadline_at FROM ${APPROVALS_TABLE} WHERE tenant_id = ? AND approval_id = ?`, [tenantId, event.data.approvalId]);
      const deadline = approval?.deadline_at === null || approval?.deadline_at === undefined ? null : Number(approval.deadline_at);
      await tx.run(`UPDATE ${RUN_SCHEDULE_TABLE} SET due_at = ? WHERE tenant_id = ? AND run_id = ?`, [retryAt ?? deadline, tenantId, runId]);
      return;
    }
    default:
      return;
  }
}

function runColumns(event: RunEvent): string {
  if (FINAL_STATUS[event.type]) return ', status = ?, current_step = NULL' + (event.type === 'RunFailed' ? ', last_error = ?' : '');
  switch (event.type) {
    case 'RunCancelRequested':
      return ", status = 'cancelling'";
    case 'StepStarted':
    case 'WaitStarted':
    case 'ApprovalRequested':
      return ', current_step = ?';
    case 'StepFailed':
      return ', last_error = ?';
    default:
      return '';
  }
}

function runValues(event: RunEvent): unknown[] {
  if (FINAL_STATUS[event.type]) return event.type === 'RunFailed' ? [FINAL_STATUS[event.type], event.data.message] : [FINAL_STATUS[event.type]];
  switch (event.type) {
    case 'StepStarted':
    case 'WaitStarted':
    case 'ApprovalRequested':
      return [event.data.stepId];
    case 'StepFailed':
      return [event.data.message];
    default:
      return [];
  }
}

function offerTo(tx: ViewSql, tenantId: string, approvalId: string, group: string): Promise<unknown> {
  return tx.run(`INSERT INTO ${APPROVAL_GROUPS_TABLE} (tenant_id, approval_id, group_name) VALUES (?, ?, ?) ON CONFLICT (tenant_id, approval_id, group_name) DO NOTHING`, [tenantId, approvalId, group]);
}

async function applyApproval(tx: ViewSql, recorded: RecordedEvent, event: RunEvent): Promise<void> {
  const { tenantId, streamId: runId, recordedAt } = recorded;
  switch (event.type) {
    case 'ApprovalRequested': {
      const [run] = await tx.all<{ automation: string }>(`SELECT automation FROM ${RUNS_TABLE} WHERE tenant_id = ? AND run_id = ?`, [tenantId, runId]);
      await tx.run(
        `INSERT INTO ${APPROVALS_TABLE} (tenant_id, approval_id, run_id, step_id, automation, requested_by, prompt, requested_at, deadline_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
         ON CONFLICT (tenant_id, approval_id) DO NOTHING`,
        [tenantId, event.data.approvalId, runId, event.data.stepId, run?.automation ?? '', event.data.requestedBy, JSON.stringify(event.data.prompt), recordedAt, event.data.deadlineAt],
      );
      // A step's approvers name one group; the policies' approval, before the first step, any of several.
      for (const group of event.data.group !== undefined ? [event.data.group] : (event.data.groups ?? [])) await offerTo(tx, tenantId, event.data.approvalId, group);
      return;
    }
    case 'ApprovalEscalated':
      await offerTo(tx, tenantId, event.data.approvalId, event.data.group);
      return;
    case 'ApprovalGranted':
    case 'ApprovalDenied':
      await tx.run(`UPDATE ${APPROVALS_TABLE} SET status = ?, decided_by = ?, reason = ? WHERE tenant_id = ? AND approval_id = ?`, [
        event.type === 'ApprovalGranted' ? 'granted' : 'denied', event.data.decidedBy, event.data.reason, tenantId, event.data.approvalId,
      ]);
      return;
    case 'ApprovalExpired':
      await tx.run(`UPDATE ${APPROVALS_TABLE} SET status = 'expired' WHERE tenant_id = ? AND approval_id = ?`, [tenantId, event.data.approvalId]);
      return;
    default:
      return;
  }
}
