import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import type { AutomationEvent } from '../automation.events.js';

export const AUTOMATIONS_TABLE = 'automations';

/** Each tenant's published automations at their latest version: the tools its agents see. */
export const automationsProjection: Projection = {
  name: 'automations',
  version: 1,
  tables: {
    [AUTOMATIONS_TABLE]: `CREATE TABLE ${AUTOMATIONS_TABLE} (
      tenant_id TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, published_at TEXT NOT NULL,
      PRIMARY KEY (tenant_id, name))`,
  },
  handles: (event) => event.streamId.startsWith('automation-'),
  async apply(tx: ViewSql, recorded: RecordedEvent): Promise<void> {
    const event = recorded as unknown as AutomationEvent;
    if (event.type !== 'AutomationPublished') return;
    await tx.run(
      `INSERT INTO ${AUTOMATIONS_TABLE} (tenant_id, name, version, definition, published_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, name) DO UPDATE SET version = excluded.version, definition = excluded.definition, published_at = excluded.published_at`,
      [recorded.tenantId, event.data.name, event.data.version, JSON.stringify(event.data.definition), recorded.recordedAt],
    );
  },
};
