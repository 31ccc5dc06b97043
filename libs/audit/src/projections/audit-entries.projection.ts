import type { RecordedEvent } from '#event-store';
import { insertRows, type MultiRowInsert, type Projection, type ViewSql } from '#projections';
import { AUDIT_LINK_TABLES, linkEvent } from './audit-links.js';

export const AUDIT_ENTRIES_TABLE = 'audit_entries';

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The trail's pages (queryAuditEntries) are keyset-paged on position: one index per filter that
 * narrows by equality, ending in position, so that a page of a person, tool, event type,
 * automation, connector or stream is one range of its index, however rare the value in a long log
 * (without it, a value with few entries is found by reading the tenant's whole trail). Other
 * combinations read one of these and skip the rows the rest rules out; a type prefix and a scope
 * read the trail newest first.
 */
const AUDIT_INDEXES: Record<string, string> = Object.fromEntries(
  (['user_id', 'tool', 'event_type', 'automation', 'connector', 'stream_id'] as const).map((column) => [
    `${AUDIT_ENTRIES_TABLE}_by_${column}`,
    `CREATE INDEX ${AUDIT_ENTRIES_TABLE}_by_${column} ON ${AUDIT_ENTRIES_TABLE} (tenant_id, ${column}, position)`,
  ]),
);

/**
 * The tenant's audit trail: one row per event with who, through which client and tool, under
 * which scopes and correlation, and what it touched (connector, automation, run). Event data is
 * left out: the trail must not copy personal data or secrets.
 */
export const auditEntriesProjection: Projection = {
  name: 'audit_entries',
  version: 3,
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
  indexes: AUDIT_INDEXES,
  handles: () => true,
  async apply(tx: ViewSql, event: RecordedEvent): Promise<void> {
    await insertRows(tx, ENTRY_INSERT, [await entryRow(tx, event)]);
  },
  /** The links first, event by event (a run's later events read what its RunStarted wrote), then the rows in multi-row INSERTs. */
  async applyBatch(tx: ViewSql, events: readonly RecordedEvent[]): Promise<void> {
    const rows: unknown[][] = [];
    for (const event of events) rows.push(await entryRow(tx, event));
    await insertRows(tx, ENTRY_INSERT, rows);
  },
};

const ENTRY_INSERT: MultiRowInsert = {
  table: AUDIT_ENTRIES_TABLE,
  columns: ['tenant_id', 'position', 'recorded_at', 'event_type', 'stream_id', 'stream_version', 'user_id', 'client_id', 'tool', 'scopes', 'correlation_id', 'connector', 'automation', 'run_id'],
  tail: 'ON CONFLICT (tenant_id, position) DO NOTHING',
};

async function entryRow(tx: ViewSql, event: RecordedEvent): Promise<unknown[]> {
  const { metadata } = event;
  const links = await linkEvent(tx, event);
  return [
    event.tenantId, event.globalPosition, event.recordedAt, event.type, event.streamId, event.streamVersion,
    text(metadata.userId), text(metadata.clientId), text(metadata.tool),
    Array.isArray(metadata.scopes) ? metadata.scopes.join(' ') : null, text(metadata.correlationId),
    links.connector, links.automation, links.runId,
  ];
}
