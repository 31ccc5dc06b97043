import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import type { AutomationEvent } from '../automation.events.js';

export const AUTOMATIONS_TABLE = 'automations';

/**
 * Each tenant's published automations at their live version (the tools its agents see), with the
 * shadow version beside it when there is one. Version 2 added the shadow columns.
 */
export const automationsProjection: Projection = {
  name: 'automations',
  version: 2,
  tables: {
    [AUTOMATIONS_TABLE]: `CREATE TABLE ${AUTOMATIONS_TABLE} (
      tenant_id TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, published_at TEXT NOT NULL,
      shadow_version INTEGER, shadow_definition TEXT, shadow_criteria TEXT, shadow_published_at TEXT,
      PRIMARY KEY (tenant_id, name))`,
  },
  handles: (event) => event.streamId.startsWith('automation-'),
  async apply(tx: ViewSql, recorded: RecordedEvent): Promise<void> {
    const event = recorded as unknown as AutomationEvent;
    const { tenantId, recordedAt } = recorded;
    switch (event.type) {
      case 'AutomationPublished': {
        const { name, version, definition, inShadow, successCriteria } = event.data;
        if (inShadow) {
          await tx.run(
            `UPDATE ${AUTOMATIONS_TABLE} SET shadow_version = ?, shadow_definition = ?, shadow_criteria = ?, shadow_published_at = ? WHERE tenant_id = ? AND name = ?`,
            [version, JSON.stringify(definition), JSON.stringify(successCriteria ?? null), recordedAt, tenantId, name],
          );
          return;
        }
        await tx.run(
          `INSERT INTO ${AUTOMATIONS_TABLE} (tenant_id, name, version, definition, published_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, name) DO UPDATE SET version = excluded.version, definition = excluded.definition, published_at = excluded.published_at,
             shadow_version = NULL, shadow_definition = NULL, shadow_criteria = NULL, shadow_published_at = NULL`,
          [tenantId, name, version, JSON.stringify(definition), recordedAt],
        );
        return;
      }
      case 'AutomationPromoted':
        await tx.run(
          `UPDATE ${AUTOMATIONS_TABLE} SET version = shadow_version, definition = shadow_definition, published_at = ?,
             shadow_version = NULL, shadow_definition = NULL, shadow_criteria = NULL, shadow_published_at = NULL
           WHERE tenant_id = ? AND name = ? AND shadow_version = ?`,
          [recordedAt, tenantId, event.data.name, event.data.version],
        );
        return;
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },
};
