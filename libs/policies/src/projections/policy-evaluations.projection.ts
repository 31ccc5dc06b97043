import type { RecordedEvent } from '#event-store';
import { insertRows, type MultiRowInsert, type Projection, type ViewSql } from '#projections';
import type { PolicyEvaluated } from '../policy.events.js';
import { isPolicyEvaluationsStream } from '../policy-stream.js';

export const POLICY_EVALUATIONS_TABLE = 'policy_evaluations';
export const POLICY_MATCHES_TABLE = 'policy_evaluation_matches';

/**
 * What policy_report reads: one row per evaluation (its mode and decision), and one row per
 * policy an evaluation names (matched, or failed to evaluate), with the tool, the caller and the
 * time, so counts can start at any instant and the latest examples are one indexed read.
 */
export const policyEvaluationsProjection: Projection = {
  name: 'policy_evaluations',
  version: 1,
  tables: {
    [POLICY_EVALUATIONS_TABLE]: `CREATE TABLE ${POLICY_EVALUATIONS_TABLE} (
      tenant_id TEXT NOT NULL,
      position BIGINT NOT NULL,
      mode TEXT NOT NULL,
      decision TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      PRIMARY KEY (tenant_id, position, mode))`,
    [POLICY_MATCHES_TABLE]: `CREATE TABLE ${POLICY_MATCHES_TABLE} (
      tenant_id TEXT NOT NULL,
      policy TEXT NOT NULL,
      mode TEXT NOT NULL,
      position BIGINT NOT NULL,
      decision TEXT NOT NULL,
      tool TEXT NOT NULL,
      user_id TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      PRIMARY KEY (tenant_id, policy, mode, position))`,
  },
  indexes: {
    policy_evaluations_by_time: `CREATE INDEX policy_evaluations_by_time ON ${POLICY_EVALUATIONS_TABLE} (tenant_id, recorded_at)`,
    policy_matches_by_time: `CREATE INDEX policy_matches_by_time ON ${POLICY_MATCHES_TABLE} (tenant_id, recorded_at)`,
  },
  handles: (event) => event.type === 'PolicyEvaluated' && isPolicyEvaluationsStream(event.streamId),
  apply: (tx, event) => applyEvaluations(tx, [event]),
  applyBatch: applyEvaluations,
};

const EVALUATION_INSERT: MultiRowInsert = {
  table: POLICY_EVALUATIONS_TABLE,
  columns: ['tenant_id', 'position', 'mode', 'decision', 'recorded_at'],
  tail: 'ON CONFLICT (tenant_id, position, mode) DO NOTHING',
};
const MATCH_INSERT: MultiRowInsert = {
  table: POLICY_MATCHES_TABLE,
  columns: ['tenant_id', 'policy', 'mode', 'position', 'decision', 'tool', 'user_id', 'recorded_at'],
  tail: 'ON CONFLICT (tenant_id, policy, mode, position) DO NOTHING',
};

async function applyEvaluations(tx: ViewSql, events: readonly RecordedEvent[]): Promise<void> {
  const evaluations: unknown[][] = [];
  const matches: unknown[][] = [];
  for (const event of events) {
    const { mode, decision, matchedPolicies, erroredPolicies, tool, userId } = (event as unknown as PolicyEvaluated).data;
    evaluations.push([event.tenantId, event.globalPosition, mode, decision, event.recordedAt]);
    for (const policy of new Set([...matchedPolicies, ...(erroredPolicies ?? [])])) {
      matches.push([event.tenantId, policy, mode, event.globalPosition, decision, tool, userId, event.recordedAt]);
    }
  }
  await insertRows(tx, EVALUATION_INSERT, evaluations);
  await insertRows(tx, MATCH_INSERT, matches);
}
