import { canonicalJson, type RecordedEvent } from '#event-store';
import { insertRows, type MultiRowInsert, type Projection, type ViewSql } from '#projections';
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
    const change = itemChange(event);
    if (change) await applyItemChanges(tx, [change]);
  },
  /**
   * An item's row is decided by its last put or delete: a batch writes only that one per item
   * (a log that puts the same keys over and over writes each once per batch), which leaves the
   * rows applying every event in turn would leave.
   */
  async applyBatch(tx: ViewSql, events: readonly RecordedEvent[]): Promise<void> {
    const last = new Map<string, ItemChange>();
    for (const event of events) {
      if (event.streamId === MEMORY_RETENTION_STREAM) {
        await applyRetention(tx, event);
        continue;
      }
      const change = itemChange(event);
      if (!change) continue;
      const id = JSON.stringify(change.where);
      // Deleted and set again: the row's place in the map follows its last change.
      last.delete(id);
      last.set(id, change);
    }
    await applyItemChanges(tx, [...last.values()]);
  },
};

/** A put (the row's values) or a delete of one item, keyed by `where`. */
interface ItemChange {
  where: [tenantId: string, scope: string, owner: string, namespace: string, key: string];
  put?: [value: string, fingerprint: string, updatedAt: string, updatedPosition: number];
}

function itemChange(event: RecordedEvent): ItemChange | undefined {
  const location = parseMemoryStreamId(event.streamId);
  if (!location) return undefined;
  const memoryEvent = event as unknown as MemoryEvent;
  const where: ItemChange['where'] = [event.tenantId, location.scope, location.owner, location.namespace, memoryEvent.data.key];
  switch (memoryEvent.type) {
    case 'MemoryItemPut': {
      const { value, digest } = memoryEvent.data;
      const json = canonicalJson(value);
      return { where, put: [json, digest ?? json, event.recordedAt, event.globalPosition] };
    }
    case 'MemoryItemDeleted':
    case 'MemoryItemExpired':
      return { where };
    default:
      return undefined; // other event types of a memory stream, if any appear, leave the view alone
  }
}

const ITEM_UPSERT: MultiRowInsert = {
  table: MEMORY_ITEMS_TABLE,
  columns: ['tenant_id', 'scope', 'owner', 'namespace', 'item_key', 'value', 'fingerprint', 'updated_at', 'updated_position'],
  tail: 'ON CONFLICT (tenant_id, scope, owner, namespace, item_key) DO UPDATE SET value = excluded.value, fingerprint = excluded.fingerprint, updated_at = excluded.updated_at, updated_position = excluded.updated_position',
};

/** Changes of distinct items: the upserts go in multi-row statements (never one key twice in one, see insertRows). */
async function applyItemChanges(tx: ViewSql, changes: readonly ItemChange[]): Promise<void> {
  const puts: unknown[][] = [];
  for (const { where, put } of changes) {
    if (put) puts.push([...where, ...put]);
    else await tx.run(`DELETE FROM ${MEMORY_ITEMS_TABLE} WHERE tenant_id = ? AND scope = ? AND owner = ? AND namespace = ? AND item_key = ?`, where);
  }
  await insertRows(tx, ITEM_UPSERT, puts);
}

async function applyRetention(tx: ViewSql, event: RecordedEvent): Promise<void> {
  if (event.type !== 'MemoryRetentionSet') return;
  const { days } = (event as unknown as MemoryRetentionSet).data;
  await tx.run(`INSERT INTO ${MEMORY_RETENTION_TABLE} (tenant_id, days) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE SET days = excluded.days`, [event.tenantId, days]);
}
