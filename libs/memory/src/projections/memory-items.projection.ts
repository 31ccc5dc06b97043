import { canonicalJson, type RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import type { MemoryEvent } from '../memory.events.js';
import { parseMemoryStreamId } from '../memory-stream.js';
import { MEMORY_RETENTION_STREAM, type MemoryRetentionSet } from '../retention/memory-retention.js';

export const MEMORY_ITEMS_TABLE = 'memory_items';
export const MEMORY_RETENTION_TABLE = 'memory_retention';

/**
 * Every live memory item, per tenant, scope, owner and namespace: what memory_get and memory_list
 * read. Values stay sealed here as they are in the log; `fingerprint` is what the memory state
 * holds for the value (its keyed digest), `updated_at` when it was last put, for retention.
 */
export const memoryItemsProjection: Projection = {
  name: 'memory_items',
  version: 2,
  tables: {
    [MEMORY_ITEMS_TABLE]: `CREATE TABLE ${MEMORY_ITEMS_TABLE} (
      tenant_id TEXT NOT NULL,
      scope TEXT NOT NULL,
      owner TEXT NOT NULL,
      namespace TEXT NOT NULL,
      item_key TEXT NOT NULL,
      value TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_position BIGINT NOT NULL,
      PRIMARY KEY (tenant_id, scope, owner, namespace, item_key))`,
    [MEMORY_RETENTION_TABLE]: `CREATE TABLE ${MEMORY_RETENTION_TABLE} (
      tenant_id TEXT NOT NULL,
      days INTEGER,
      PRIMARY KEY (tenant_id))`,
  },
  handles: (event) => event.streamId.startsWith('memory:') || event.streamId === MEMORY_RETENTION_STREAM,
  async apply(tx: ViewSql, event: RecordedEvent): Promise<void> {
    if (event.streamId === MEMORY_RETENTION_STREAM) return applyRetention(tx, event);
    const location = parseMemoryStreamId(event.streamId);
    if (!location) return;
    const memoryEvent = event as unknown as MemoryEvent;
    const where = [event.tenantId, location.scope, location.owner, location.namespace, memoryEvent.data.key];
    switch (memoryEvent.type) {
      case 'MemoryItemPut': {
        const { value, digest } = memoryEvent.data;
        await tx.run(
          `INSERT INTO ${MEMORY_ITEMS_TABLE} (tenant_id, scope, owner, namespace, item_key, value, fingerprint, updated_at, updated_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, scope, owner, namespace, item_key) DO UPDATE SET value = excluded.value, fingerprint = excluded.fingerprint, updated_at = excluded.updated_at, updated_position = excluded.updated_position`,
          [...where, canonicalJson(value), digest ?? canonicalJson(value), event.recordedAt, event.globalPosition],
        );
        return;
      }
      case 'MemoryItemDeleted':
      case 'MemoryItemExpired':
        await tx.run(`DELETE FROM ${MEMORY_ITEMS_TABLE} WHERE tenant_id = ? AND scope = ? AND owner = ? AND namespace = ? AND item_key = ?`, where);
        return;
      default:
        return; // other event types of a memory stream, if any appear, leave the view alone
    }
  },
};

async function applyRetention(tx: ViewSql, event: RecordedEvent): Promise<void> {
  if (event.type !== 'MemoryRetentionSet') return;
  const { days } = (event as unknown as MemoryRetentionSet).data;
  await tx.run(`INSERT INTO ${MEMORY_RETENTION_TABLE} (tenant_id, days) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE SET days = excluded.days`, [event.tenantId, days]);
}
