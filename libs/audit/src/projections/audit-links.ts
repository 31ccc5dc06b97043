import type { RecordedEvent } from '#event-store';
import type { ViewSql } from '#projections';

export const AUDIT_RUNS_TABLE = 'audit_entries_runs';
export const AUDIT_CALL_STEPS_TABLE = 'audit_entries_call_steps';

/** What an event touched besides its stream: the connector it called or changed, the automation and run it belongs to. */
export interface AuditLinks {
  connector: string | null;
  automation: string | null;
  runId: string | null;
}

/** The projection's own lookups: which automation (version) a run runs, and which connector each call step of a version calls. */
export const AUDIT_LINK_TABLES = {
  [AUDIT_RUNS_TABLE]: `CREATE TABLE ${AUDIT_RUNS_TABLE} (
    tenant_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    automation TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, run_id))`,
  [AUDIT_CALL_STEPS_TABLE]: `CREATE TABLE ${AUDIT_CALL_STEPS_TABLE} (
    tenant_id TEXT NOT NULL,
    automation TEXT NOT NULL,
    version INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    connector TEXT NOT NULL,
    compensation_connector TEXT,
    PRIMARY KEY (tenant_id, automation, version, step_id))`,
};

type Data = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const dataOf = (event: RecordedEvent): Data => (typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data) ? (event.data as Data) : {});

/**
 * Finds (and records, for later events) what an event touched. Connector streams name their
 * connector; run events name theirs in `connectorCall`, and a step's start is matched with the
 * call step of the automation version the run started with (published before the run, so known).
 */
export async function linkEvent(tx: ViewSql, event: RecordedEvent): Promise<AuditLinks> {
  const data = dataOf(event);
  if (event.streamId.startsWith('connector-')) return { connector: event.streamId.slice('connector-'.length), automation: null, runId: null };
  if (event.streamId.startsWith('automation-')) {
    const automation = event.streamId.slice('automation-'.length);
    if (event.type === 'AutomationPublished') await rememberCallSteps(tx, event.tenantId, automation, data);
    return { connector: null, automation, runId: null };
  }
  if (!event.streamId.startsWith('run-')) return { connector: null, automation: null, runId: null };
  const runId = event.streamId;
  if (event.type === 'RunStarted') {
    const automation = text(data.automation);
    if (automation !== null && typeof data.version === 'number') {
      await tx.run(`INSERT INTO ${AUDIT_RUNS_TABLE} (tenant_id, run_id, automation, version) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, run_id) DO NOTHING`, [event.tenantId, runId, automation, data.version]);
    }
    return { connector: null, automation, runId };
  }
  const [run] = await tx.all<{ automation: string; version: number | string }>(`SELECT automation, version FROM ${AUDIT_RUNS_TABLE} WHERE tenant_id = ? AND run_id = ?`, [event.tenantId, runId]);
  const called = typeof data.connectorCall === 'object' && data.connectorCall !== null ? text((data.connectorCall as Data).connector) : null;
  const stepId = text(data.stepId);
  if (called !== null || stepId === null || !run) return { connector: called, automation: run?.automation ?? null, runId };
  const [step] = await tx.all<{ connector: string; compensation_connector: string | null }>(
    `SELECT connector, compensation_connector FROM ${AUDIT_CALL_STEPS_TABLE} WHERE tenant_id = ? AND automation = ? AND version = ? AND step_id = ?`,
    [event.tenantId, run.automation, Number(run.version), stepId],
  );
  const connector = step ? (event.type.startsWith('Compensation') ? step.compensation_connector : step.connector) : null;
  return { connector, automation: run.automation, runId };
}

async function rememberCallSteps(tx: ViewSql, tenantId: string, automation: string, data: Data): Promise<void> {
  const definition = typeof data.definition === 'object' && data.definition !== null ? (data.definition as Data) : {};
  if (typeof data.version !== 'number' || !Array.isArray(definition.steps)) return;
  for (const step of definition.steps as Data[]) {
    const connector = text(step?.connector);
    const stepId = text(step?.id);
    if (step?.type !== 'call' || connector === null || stepId === null) continue;
    const compensate = typeof step.compensate === 'object' && step.compensate !== null ? text((step.compensate as Data).connector) : null;
    await tx.run(
      `INSERT INTO ${AUDIT_CALL_STEPS_TABLE} (tenant_id, automation, version, step_id, connector, compensation_connector) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, automation, version, step_id) DO NOTHING`,
      [tenantId, automation, data.version, stepId, connector, compensate],
    );
  }
}
