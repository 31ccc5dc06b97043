import type { StoredDataKey } from './data-key-store.port.js';

/** The same table on SQLite and PostgreSQL. A destroyed key keeps its row with wrapped_key = ''. */
export const DATA_KEYS_DDL = `CREATE TABLE IF NOT EXISTS ll_data_keys (
  tenant_id     TEXT NOT NULL,
  key_id        TEXT NOT NULL,
  wrapped_key   TEXT NOT NULL,
  master_key_id TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  destroyed_at  TEXT,
  PRIMARY KEY (tenant_id, key_id)
)`;

export const DATA_KEY_COLUMNS = 'tenant_id, key_id, wrapped_key, master_key_id, created_at, destroyed_at';

export interface DataKeyRow {
  tenant_id: string;
  key_id: string;
  wrapped_key: string;
  master_key_id: string;
  created_at: string;
  destroyed_at: string | null;
}

export function toStoredDataKey(row: DataKeyRow): StoredDataKey {
  return {
    tenantId: row.tenant_id,
    keyId: row.key_id,
    wrappedKey: row.wrapped_key,
    masterKeyId: row.master_key_id,
    createdAt: row.created_at,
    destroyedAt: row.destroyed_at,
  };
}
