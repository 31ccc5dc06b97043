import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import { EVENT_RETENTION_STREAM, type EventRetentionSet } from './event-retention.js';

export const EVENT_RETENTION_TABLE = 'event_retention';

/** Each tenant's event retention: which tenants the archive sweeper visits. */
export const eventRetentionProjection: Projection = {
  name: EVENT_RETENTION_TABLE,
  version: 1,
  tables: {
    [EVENT_RETENTION_TABLE]: `CREATE TABLE ${EVENT_RETENTION_TABLE} (tenant_id TEXT NOT NULL, days INTEGER, PRIMARY KEY (tenant_id))`,
  },
  handles: (event) => event.streamId === EVENT_RETENTION_STREAM && event.type === 'EventRetentionSet',
  async apply(tx: ViewSql, event: RecordedEvent): Promise<void> {
    const { days } = (event as unknown as EventRetentionSet).data;
    await tx.run(`INSERT INTO ${EVENT_RETENTION_TABLE} (tenant_id, days) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE SET days = excluded.days`, [event.tenantId, days]);
  },
};
