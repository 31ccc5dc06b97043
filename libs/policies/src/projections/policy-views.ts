import { Inject, Injectable } from '@nestjs/common';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import type { PolicyDecision } from '../cedar/policy-evaluation.js';
import type { PolicyMode } from '../policy.events.js';
import type { ModeEvaluations, PolicyActivity, PolicyReport, PolicyReportFilter } from '../queries/report-policies/policy-report.js';
import { POLICY_EVALUATIONS_TABLE, POLICY_MATCHES_TABLE, policyEvaluationsProjection } from './policy-evaluations.projection.js';

type Count = { mode: PolicyMode; decision: PolicyDecision; n: number | string };
const DECISION_FIELDS = { allow: 'allow', deny: 'deny', approval_required: 'approvalRequired', error: 'error' } as const;

/** The caller's tenant's policy evaluations, from the policy_evaluations view, read once it holds the tenant's log as of the call. */
@Injectable()
export class PolicyViews {
  private readonly projector: Projector;

  constructor(registry: ProjectorRegistry, @Inject(VIEW_DB) private readonly db: ViewDb) {
    this.projector = registry.register(policyEvaluationsProjection);
  }

  async report(tenantId: string, { since, policy, limit }: PolicyReportFilter): Promise<PolicyReport> {
    await this.projector.caughtUpWith(tenantId);
    const sql = this.db.forTenant(tenantId);
    const from = since ?? '';
    const totals = await sql.all<Count>(`SELECT mode, decision, COUNT(*) AS n FROM ${POLICY_EVALUATIONS_TABLE} WHERE tenant_id = ? AND recorded_at >= ? GROUP BY mode, decision`, [tenantId, from]);
    const policyFilter = policy === undefined ? '' : 'AND policy = ?';
    const params = [tenantId, from, ...(policy === undefined ? [] : [policy])];
    const counts = await sql.all<Count & { policy: string }>(`SELECT policy, mode, decision, COUNT(*) AS n FROM ${POLICY_MATCHES_TABLE} WHERE tenant_id = ? AND recorded_at >= ? ${policyFilter} GROUP BY policy, mode, decision`, params);
    const activities = new Map<string, PolicyActivity>();
    for (const row of counts) {
      const key = `${row.policy}\u0000${row.mode}`;
      const activity = activities.get(key) ?? { policy: row.policy, mode: row.mode, deny: 0, approvalRequired: 0, error: 0, latest: [] };
      if (row.decision !== 'allow') activity[DECISION_FIELDS[row.decision] as 'deny' | 'approvalRequired' | 'error'] += Number(row.n);
      activities.set(key, activity);
    }
    for (const activity of activities.values()) {
      const rows = await sql.all<{ tool: string; user_id: string; decision: PolicyDecision; recorded_at: string }>(
        `SELECT tool, user_id, decision, recorded_at FROM ${POLICY_MATCHES_TABLE} WHERE tenant_id = ? AND policy = ? AND mode = ? AND recorded_at >= ? ORDER BY position DESC LIMIT ?`,
        [tenantId, activity.policy, activity.mode, from, limit],
      );
      activity.latest = rows.map((row) => ({ tool: row.tool, userId: row.user_id, decision: row.decision, at: row.recorded_at }));
    }
    return {
      since: since ?? null,
      evaluations: modeTotals(totals),
      policies: [...activities.values()].sort((a, b) => a.policy.localeCompare(b.policy) || a.mode.localeCompare(b.mode)),
    };
  }
}

function modeTotals(rows: Count[]): ModeEvaluations[] {
  const byMode = new Map<PolicyMode, ModeEvaluations>();
  for (const row of rows) {
    const totals = byMode.get(row.mode) ?? { mode: row.mode, total: 0, allow: 0, deny: 0, approvalRequired: 0, error: 0 };
    totals[DECISION_FIELDS[row.decision]] += Number(row.n);
    totals.total += Number(row.n);
    byMode.set(row.mode, totals);
  }
  return [...byMode.values()].sort((a, b) => a.mode.localeCompare(b.mode));
}
