import { canonicalJson, type RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import type { MemoryEvent } from '../memory.events.js';
import { parseMemoryStreamId } from '../memory-stream.js';

export const MEMORY_ITEMS_TABLE = 'memory_items';

/** Every live memory item, per tenant, scope, owner and namespace: what memory_get and memory_list read. */
export const memoryItemsProjection: Projection = {
  name: 'memory_items',
  version: 1,
  tables: {
    [MEMORY_ITEMS_TABLE]: `CREATE TABLE ${MEMORY_ITEMS_TABLE} (
      tenant_id TEXT NOT NULL,
      scope TEXT NOT NULL,
      owner TEXT NOT NULL,
      namespace TEXT NOT NULL,
      item_key TEXT NOT NULL,
      value TEXT NOT NULL,
      updated_position BIGINT NOT NULL,
      PRIMARY KEY (tenant_id, scope, owner, namespace, item_key))`,
  },
  handles: (event) => event.streamId.startsWith('memory:'),
  async apply(tx: ViewSql, event: RecordedEvent): Promise<void> {
    const location = parseMemoryStreamId(event.streamId);
    if (!location) return;
    const memoryEvent = event as unknown as MemoryEvent;
    const where = [event.tenantId, location.scope, location.owner, location.namespace, memoryEvent.data.key];
    switch (memoryEvent.type) {
      case 'MemoryItemPut':
        await tx.run(
          `INSERT INTO ${MEMORY_ITEMS_TABLE} (tenant_id, scope, owner, namespace, item_key, value, updated_position) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, scope, owner, namespace, item_key) DO UPDATE SET value = excluded.value, updated_position = excluded.updated_position`,
          [...where, canonicalJson(memoryEvent.data.value), event.globalPosition],
        );
        return;
      case 'MemoryItemDeleted':
        await tx.run(`DELETE FROM ${MEMORY_ITEMS_TABLE} WHERE tenant_id = ? AND scope = ? AND owner = ? AND namespace = ? AND item_key = ?`, where);
        return;
      default:
        return; // other event types of a memory stream, if any appear, leave the view alone
    }
  },
};
