import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import { comparisonIn } from '../shadow.events.js';

export const SHADOW_REPORTS_TABLE = 'shadow_reports';
export const SHADOW_REPORT_CLASSES_TABLE = 'shadow_report_classes';
export const SHADOW_REPORT_PATHS_TABLE = 'shadow_report_paths';
export const SHADOW_REPORT_RUNS_TABLE = 'shadow_report_runs';

/**
 * Per tenant, automation and shadow version, the sums a shadow report is made of: runs compared,
 * how many had identical requests, the same step sequence, the same outcome, the durations (sums,
 * so a mean; a median would need every run kept), the failure classes of each side, and how often
 * each field path differed. Each comparison adds to them once (its checkpoint is in the same
 * transaction), so a rebuild from zero gives the same figures.
 */
export const shadowReportsProjection: Projection = {
  name: 'shadow_reports',
  version: 2,
  tables: {
    [SHADOW_REPORTS_TABLE]: `CREATE TABLE ${SHADOW_REPORTS_TABLE} (
      tenant_id TEXT NOT NULL, automation TEXT NOT NULL, version INTEGER NOT NULL,
      runs BIGINT NOT NULL, identical_runs BIGINT NOT NULL, same_sequence_runs BIGINT NOT NULL, same_outcome_runs BIGINT NOT NULL,
      live_ms_sum BIGINT NOT NULL, shadow_ms_sum BIGINT NOT NULL,
      PRIMARY KEY (tenant_id, automation, version))`,
    [SHADOW_REPORT_CLASSES_TABLE]: `CREATE TABLE ${SHADOW_REPORT_CLASSES_TABLE} (
      tenant_id TEXT NOT NULL, automation TEXT NOT NULL, version INTEGER NOT NULL, side TEXT NOT NULL, failure_class TEXT NOT NULL, runs BIGINT NOT NULL,
      PRIMARY KEY (tenant_id, automation, version, side, failure_class))`,
    [SHADOW_REPORT_PATHS_TABLE]: `CREATE TABLE ${SHADOW_REPORT_PATHS_TABLE} (
      tenant_id TEXT NOT NULL, automation TEXT NOT NULL, version INTEGER NOT NULL, step_id TEXT NOT NULL, path TEXT NOT NULL, runs BIGINT NOT NULL,
      PRIMARY KEY (tenant_id, automation, version, step_id, path))`,
    [SHADOW_REPORT_RUNS_TABLE]: `CREATE TABLE ${SHADOW_REPORT_RUNS_TABLE} (
      tenant_id TEXT NOT NULL, run_id TEXT NOT NULL,
      PRIMARY KEY (tenant_id, run_id))`,
  },
  handles: (event) => comparisonIn(event) !== undefined,
  apply: applyComparison,
};

async function applyComparison(tx: ViewSql, recorded: RecordedEvent): Promise<void> {
  const data = comparisonIn(recorded)!;
  // Counted once per run: a second comparison of the same run (the other form) changes nothing.
  const first = await tx.run(`INSERT INTO ${SHADOW_REPORT_RUNS_TABLE} (tenant_id, run_id) VALUES (?, ?) ON CONFLICT (tenant_id, run_id) DO NOTHING`, [recorded.tenantId, data.runId]);
  if (first === 0) return;
  const key = [recorded.tenantId, data.automation, data.shadowVersion];
  const one = (yes: boolean): number => (yes ? 1 : 0);
  await tx.run(
    `INSERT INTO ${SHADOW_REPORTS_TABLE} (tenant_id, automation, version, runs, identical_runs, same_sequence_runs, same_outcome_runs, live_ms_sum, shadow_ms_sum)
     VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant_id, automation, version) DO UPDATE SET runs = ${SHADOW_REPORTS_TABLE}.runs + 1,
       identical_runs = ${SHADOW_REPORTS_TABLE}.identical_runs + excluded.identical_runs, same_sequence_runs = ${SHADOW_REPORTS_TABLE}.same_sequence_runs + excluded.same_sequence_runs,
       same_outcome_runs = ${SHADOW_REPORTS_TABLE}.same_outcome_runs + excluded.same_outcome_runs,
       live_ms_sum = ${SHADOW_REPORTS_TABLE}.live_ms_sum + excluded.live_ms_sum, shadow_ms_sum = ${SHADOW_REPORTS_TABLE}.shadow_ms_sum + excluded.shadow_ms_sum`,
    [...key, one(data.requestsIdentical), one(data.sameSequence), one(data.live.outcome === data.shadow.outcome && data.live.failureClass === data.shadow.failureClass),
      Math.round(data.live.durationMs), Math.round(data.shadow.durationMs)],
  );
  for (const [side, failureClass] of [['live', data.live.failureClass], ['shadow', data.shadow.failureClass]] as const) {
    if (failureClass === null) continue;
    await tx.run(
      `INSERT INTO ${SHADOW_REPORT_CLASSES_TABLE} (tenant_id, automation, version, side, failure_class, runs) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT (tenant_id, automation, version, side, failure_class) DO UPDATE SET runs = ${SHADOW_REPORT_CLASSES_TABLE}.runs + 1`,
      [...key, side, failureClass],
    );
  }
  for (const call of data.calls) {
    // A call only one side made differs as a whole: its path is the step itself.
    const paths = call.live && call.shadow ? call.differingPaths : [call.live ? 'only_live' : 'only_shadow'];
    for (const path of paths) {
      await tx.run(
        `INSERT INTO ${SHADOW_REPORT_PATHS_TABLE} (tenant_id, automation, version, step_id, path, runs) VALUES (?, ?, ?, ?, ?, 1)
         ON CONFLICT (tenant_id, automation, version, step_id, path) DO UPDATE SET runs = ${SHADOW_REPORT_PATHS_TABLE}.runs + 1`,
        [...key, call.stepId, path],
      );
    }
  }
}
