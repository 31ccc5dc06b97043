import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import { AUDIT_LINK_TABLES, linkEvent } from './audit-links.js';

export const AUDIT_ENTRIES_TABLE = 'audit_entries';

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The tenant's audit trail: one row per event with who, through which client and tool, under
 * which scopes and correlation, and what it touched (connector, automation, run). Event data is
 * left out: the trail must not copy personal data or secrets.
 */
export const auditEntriesProjection: Projection = {
  name: 'audit_entries',
  version: 2,
  tables: {
    [AUDIT_ENTRIES_TABLE]: `CREATE TABLE ${AUDIT_ENTRIES_TABLE} (
      tenant_id TEXT NOT NULL,
      position BIGINT NOT NULL,
      recorded_at TEXT NOT NULL,
      event_type TEXT NOT NULL,
      stream_id TEXT NOT NULL,
      stream_version INTEGER NOT NULL,
      user_id TEXT,
      client_id TEXT,
      tool TEXT,
      scopes TEXT,
      correlation_id TEXT,
      connector TEXT,
      automation TEXT,
      run_id TEXT,
      PRIMARY KEY (tenant_id, position))`,
    ...AUDIT_LINK_TABLES,
  },
  handles: () => true,
  async apply(tx: ViewSql, event: RecordedEvent): Promise<void> {
    const { metadata } = event;
    const links = await linkEvent(tx, event);
    await tx.run(
      `INSERT INTO ${AUDIT_ENTRIES_TABLE} (tenant_id, position, recorded_at, event_type, stream_id, stream_version, user_id, client_id, tool, scopes, correlation_id, connector, automation, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, position) DO NOTHING`,
      [
        event.tenantId, event.globalPosition, event.recordedAt, event.type, event.streamId, event.streamVersion,
        text(metadata.userId), text(metadata.clientId), text(metadata.tool),
        Array.isArray(metadata.scopes) ? metadata.scopes.join(' ') : null, text(metadata.correlationId),
        links.connector, links.automation, links.runId,
      ],
    );
  },
};
