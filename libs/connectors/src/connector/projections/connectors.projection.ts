import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import type { ConnectorCallOutcome, ConnectorEvent } from '../connector.events.js';

export const CONNECTORS_TABLE = 'connectors';

/**
 * Each tenant's connectors with what agents may know of them: name, description and health
 * (from the call outcomes other capabilities record). No config, no secret, not even sealed.
 */
export const connectorsProjection: Projection = {
  name: 'connectors',
  version: 1,
  tables: {
    [CONNECTORS_TABLE]: `CREATE TABLE ${CONNECTORS_TABLE} (
      tenant_id TEXT NOT NULL,
      name TEXT NOT NULL,
      description TEXT NOT NULL,
      secret_version INTEGER NOT NULL,
      calls_ok BIGINT NOT NULL,
      calls_failed BIGINT NOT NULL,
      consecutive_failures INTEGER NOT NULL,
      last_call_at TEXT,
      last_status INTEGER,
      last_error_class TEXT,
      PRIMARY KEY (tenant_id, name))`,
  },
  handles: (event) => event.streamId.startsWith('connector-') || callOutcome(event) !== undefined,
  async apply(tx: ViewSql, event: RecordedEvent): Promise<void> {
    const outcome = callOutcome(event);
    if (outcome) {
      await tx.run(
        `UPDATE ${CONNECTORS_TABLE} SET calls_ok = calls_ok + ?, calls_failed = calls_failed + ?,
           consecutive_failures = CASE WHEN ? = 1 THEN 0 ELSE consecutive_failures + 1 END,
           last_call_at = ?, last_status = ?, last_error_class = ? WHERE tenant_id = ? AND name = ?`,
        [outcome.ok ? 1 : 0, outcome.ok ? 0 : 1, outcome.ok ? 1 : 0, event.recordedAt, outcome.status, outcome.errorClass, event.tenantId, outcome.connector],
      );
      return;
    }
    const connectorEvent = event as unknown as ConnectorEvent;
    switch (connectorEvent.type) {
      case 'ConnectorRegistered':
      case 'ConnectorUpdated':
        await tx.run(
          `INSERT INTO ${CONNECTORS_TABLE} (tenant_id, name, description, secret_version, calls_ok, calls_failed, consecutive_failures) VALUES (?, ?, ?, 0, 0, 0, 0)
           ON CONFLICT (tenant_id, name) DO UPDATE SET description = excluded.description`,
          [event.tenantId, connectorEvent.data.name, connectorEvent.data.description],
        );
        return;
      case 'ConnectorSecretRotated':
        await tx.run(`UPDATE ${CONNECTORS_TABLE} SET secret_version = ? WHERE tenant_id = ? AND name = ?`, [connectorEvent.data.version, event.tenantId, connectorEvent.data.name]);
        return;
      default:
        return;
    }
  },
};

function callOutcome(event: RecordedEvent): ConnectorCallOutcome | undefined {
  const data = event.data as { connectorCall?: ConnectorCallOutcome } | null;
  return typeof data === 'object' && data !== null && typeof data.connectorCall === 'object' && data.connectorCall !== null ? data.connectorCall : undefined;
}
