import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata } from '#core';
import type { JsonValue } from '#core';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { RunPersonalData } from '../run-personal-data.js';
import { encodeRunListCursor } from '../queries/list-runs/run-list-cursor.js';
import type { RunListFilter } from '../queries/list-runs/run-list-filter.js';
import { encodeApprovalListCursor, type ApprovalListPosition } from '../queries/list-approvals/approval-list-page.js';
import { ApproverGroups } from '../../group/approver-groups.js';
import { APPROVAL_GROUPS_TABLE, APPROVALS_TABLE, RUN_SCHEDULE_TABLE, RUN_SECRET_PINS_TABLE, RUNS_TABLE, runsProjection } from './runs.projection.js';

export interface RunSummary {
  runId: string;
  automation: string;
  version: number;
  status: string;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
  currentStep: string | null;
  lastError: string | null;
}

export interface ApprovalSummary {
  approvalId: string;
  runId: string;
  stepId: string;
  automation: string;
  requestedBy: string;
  prompt: string;
  requestedAt: string;
  deadlineAt: string | null;
  status: string;
  decidedBy: string | null;
  reason: string | null;
  /** The caller's group it is offered to them through; null when it is offered to anyone with the approvals scope. */
  offeredBy: string | null;
}

export interface DueRun {
  tenantId: string;
  runId: string;
  streamVersion: number;
}

type Row = Record<string, string | number | null>;

/** Reads of the runs views, each scoped by the caller's tenant; user reads wait for the caller's own writes. */
@Injectable()
export class RunViews {
  readonly projector: Projector;

  constructor(
    registry: ProjectorRegistry,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    private readonly personalData: RunPersonalData,
    private readonly groups: ApproverGroups,
  ) {
    this.projector = registry.register(runsProjection);
  }

  /** One page of runs, newest first (start time, then log position), keyset-paged. */
  async listRuns(metadata: CommandMetadata, filter: RunListFilter): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
    await this.projector.caughtUpWith(metadata.tenantId);
    const where = ['tenant_id = ?'];
    const params: unknown[] = [metadata.tenantId];
    const add = (condition: string, ...values: unknown[]): void => {
      where.push(condition);
      params.push(...values);
    };
    if (filter.startedBy !== undefined) add('started_by = ?', filter.startedBy);
    if (filter.status !== undefined) add('status = ?', filter.status);
    if (filter.automation !== undefined) add('automation = ?', filter.automation);
    if (filter.since !== undefined) add('started_at >= ?', filter.since);
    if (filter.until !== undefined) add('started_at < ?', filter.until);
    if (filter.after !== undefined) add('(started_at, started_position) < (?, ?)', filter.after.startedAt, filter.after.position);
    const rows = await this.db.forTenant(metadata.tenantId).all<Row>(
      `SELECT * FROM ${RUNS_TABLE} WHERE ${where.join(' AND ')} ORDER BY started_at DESC, started_position DESC LIMIT ?`,
      [...params, filter.limit + 1],
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return { runs: page.map(toRun), nextCursor: rows.length > filter.limit && last ? encodeRunListCursor({ startedAt: String(last.started_at), position: Number(last.started_position) }) : null };
  }

  async findRun(tenantId: string, runId: string): Promise<(RunSummary & { tenantId: string }) | undefined> {
    await this.projector.caughtUpWith(tenantId);
    const [row] = await this.db.forTenant(tenantId).all<Row>(`SELECT * FROM ${RUNS_TABLE} WHERE tenant_id = ? AND run_id = ?`, [tenantId, runId]);
    return row && { ...toRun(row), tenantId };
  }

  /**
   * Pending approvals the caller may decide, oldest first: the tenant's, except those of the
   * caller's own runs and those offered to groups the caller is not in (its token's and the
   * tenant's lists), each with the group it is offered through.
   */
  async approvalsFor(metadata: CommandMetadata, page: { limit: number; after?: ApprovalListPosition }): Promise<{ approvals: ApprovalSummary[]; nextCursor: string | null }> {
    const { tenantId } = metadata;
    await this.projector.caughtUpWith(tenantId);
    const groups = await this.groups.of(metadata);
    const ofCaller = groups.length === 0 ? '1 = 0' : `g.group_name IN (${groups.map(() => '?').join(', ')})`;
    const offers = `FROM ${APPROVAL_GROUPS_TABLE} g WHERE g.tenant_id = a.tenant_id AND g.approval_id = a.approval_id`;
    const after = page.after ? ' AND (a.requested_at, a.approval_id) > (?, ?)' : '';
    const rows = await this.db.forTenant(tenantId).all<Row>(
      `SELECT a.*, (SELECT MIN(g.group_name) ${offers} AND ${ofCaller}) AS offered_by FROM ${APPROVALS_TABLE} a
       WHERE a.tenant_id = ? AND a.status = 'pending' AND a.requested_by <> ? AND (NOT EXISTS (SELECT 1 ${offers}) OR EXISTS (SELECT 1 ${offers} AND ${ofCaller}))${after}
       ORDER BY a.requested_at, a.approval_id LIMIT ?`,
      [...groups, tenantId, metadata.userId, ...groups, ...(page.after ? [page.after.requestedAt, page.after.approvalId] : []), page.limit + 1],
    );
    // The prompt is kept sealed in the view (it is rendered from the run's data): opened for the reader.
    const approvals = await Promise.all(rows.slice(0, page.limit).map(async (row) => {
      const prompt = await this.personalData.open(tenantId, String(row.run_id), JSON.parse(String(row.prompt)) as JsonValue);
      return { ...toApproval(row), prompt: typeof prompt === 'string' ? prompt : JSON.stringify(prompt) };
    }));
    const last = approvals[approvals.length - 1];
    return { approvals, nextCursor: rows.length > page.limit && last ? encodeApprovalListCursor(last) : null };
  }

  /** Unfinished runs whose next move is due (or whose deadline passed), oldest due first. System read: all tenants. */
  async dueRuns(now: number, limit: number): Promise<DueRun[]> {
    const rows = await this.db.all<Row>(
      `SELECT tenant_id, run_id, stream_version FROM ${RUN_SCHEDULE_TABLE} WHERE (due_at IS NOT NULL AND due_at <= ?) OR deadline_at <= ? OR notice_at <= ? ORDER BY due_at LIMIT ?`,
      [now, now, now, limit],
    );
    return rows.map((row) => ({ tenantId: String(row.tenant_id), runId: String(row.run_id), streamVersion: Number(row.stream_version) }));
  }

  /** The earliest time after `now` an unfinished run needs the saga, if any (those due by `now` are dueRuns(now)). */
  async nextDueAfter(now: number): Promise<number | undefined> {
    const [row] = await this.db.all<{ next: number | string | null }>(
      `SELECT MIN(next_at) AS next FROM (
         SELECT CASE WHEN due_at IS NULL OR due_at > deadline_at THEN deadline_at ELSE due_at END AS next_at FROM ${RUN_SCHEDULE_TABLE}
         UNION ALL SELECT notice_at FROM ${RUN_SCHEDULE_TABLE} WHERE notice_at > ?) AS due WHERE next_at > ?`,
      [now, now],
    );
    return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
  }

  /** Whether an unfinished run of the tenant still holds this secret version. */
  async secretVersionInUse(tenantId: string, connector: string, version: number): Promise<boolean> {
    await this.projector.caughtUpWith(tenantId);
    const rows = await this.db.forTenant(tenantId).all<Row>(`SELECT run_id FROM ${RUN_SECRET_PINS_TABLE} WHERE tenant_id = ? AND connector = ? AND secret_version = ? LIMIT 1`, [tenantId, connector, version]);
    return rows.length > 0;
  }
}

function toRun(row: Row): RunSummary {
  return {
    runId: String(row.run_id), automation: String(row.automation), version: Number(row.version), status: String(row.status), startedBy: String(row.started_by),
    startedAt: String(row.started_at), updatedAt: String(row.updated_at), currentStep: row.current_step === null ? null : String(row.current_step), lastError: row.last_error === null ? null : String(row.last_error),
  };
}

function toApproval(row: Row): ApprovalSummary {
  return {
    approvalId: String(row.approval_id), runId: String(row.run_id), stepId: String(row.step_id), automation: String(row.automation), requestedBy: String(row.requested_by), prompt: String(row.prompt),
    requestedAt: String(row.requested_at), deadlineAt: row.deadline_at === null ? null : new Date(Number(row.deadline_at)).toISOString(), status: String(row.status),
    decidedBy: row.decided_by === null ? null : String(row.decided_by), reason: row.reason === null ? null : String(row.reason),
    offeredBy: row.offered_by === null || row.offered_by === undefined ? null : String(row.offered_by),
  };
}
