import type { Database, Statement } from 'better-sqlite3';
import { openOwnerOnlySqlite } from './owner-only-sqlite.js';
import type { DataKeyStore, StoredDataKey } from './data-key-store.port.js';
import { ringPattern, SECRETS_RING } from './key-rings.js';
import { DataKeyExistsError } from './secrets.errors.js';
import { DATA_KEY_COLUMNS, DATA_KEYS_DDL, toStoredDataKey, type DataKeyRow } from './data-keys.table.js';

/**
 * The embedded data key store: its own SQLite file (`<dataDir>/keys.db`), WAL with
 * synchronous=FULL, because a lost key loses every secret it sealed. secure_delete overwrites a
 * destroyed key's old bytes in the page, and a checkpoint after each destroy clears the WAL copy.
 */
export class SqliteDataKeyStore implements DataKeyStore {
  private readonly statements: {
    active: Statement<[string, string], DataKeyRow>;
    get: Statement<[string, string], DataKeyRow>;
    insert: Statement<[string, string, string, string, string, string | null]>;
    destroyOne: Statement<[string, string, string]>;
    destroyRing: Statement<[string, string, string]>;
    destroyAll: Statement<[string, string]>;
  };
  private closed = false;

  private constructor(private readonly db: Database) {
    this.statements = {
      active: db.prepare(`SELECT ${DATA_KEY_COLUMNS} FROM ll_data_keys WHERE tenant_id = ? AND key_id LIKE ? AND destroyed_at IS NULL ORDER BY created_at DESC, key_id DESC LIMIT 1`),
      get: db.prepare(`SELECT ${DATA_KEY_COLUMNS} FROM ll_data_keys WHERE tenant_id = ? AND key_id = ?`),
      insert: db.prepare(`INSERT INTO ll_data_keys (${DATA_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
      destroyOne: db.prepare(`UPDATE ll_data_keys SET wrapped_key = '', destroyed_at = ? WHERE tenant_id = ? AND key_id = ? AND destroyed_at IS NULL`),
      destroyRing: db.prepare(`UPDATE ll_data_keys SET wrapped_key = '', destroyed_at = ? WHERE tenant_id = ? AND key_id LIKE ? AND destroyed_at IS NULL`),
      destroyAll: db.prepare(`UPDATE ll_data_keys SET wrapped_key = '', destroyed_at = ? WHERE tenant_id = ? AND destroyed_at IS NULL`),
    };
  }

  static open(path: string): SqliteDataKeyStore {
    return new SqliteDataKeyStore(openOwnerOnlySqlite(path, ['secure_delete = ON'], [DATA_KEYS_DDL]));
  }

  async active(tenantId: string, ring = SECRETS_RING): Promise<StoredDataKey | undefined> {
    this.assertOpen();
    const row = this.statements.active.get(tenantId, ringPattern(ring));
    return row && toStoredDataKey(row);
  }

  async get(tenantId: string, keyId: string): Promise<StoredDataKey | undefined> {
    this.assertOpen();
    const row = this.statements.get.get(tenantId, keyId);
    return row && toStoredDataKey(row);
  }

  async insert(key: StoredDataKey): Promise<void> {
    this.assertOpen();
    try {
      this.statements.insert.run(key.tenantId, key.keyId, key.wrappedKey, key.masterKeyId, key.createdAt, key.destroyedAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DataKeyExistsError(key.tenantId, key.keyId);
      throw error;
    }
  }

  async destroy(tenantId: string, which?: { keyId: string } | { ring: string }): Promise<number> {
    this.assertOpen();
    const now = new Date().toISOString();
    const { changes } =
      which === undefined ? this.statements.destroyAll.run(now, tenantId)
      : 'keyId' in which ? this.statements.destroyOne.run(now, tenantId, which.keyId)
      : this.statements.destroyRing.run(now, tenantId, ringPattern(which.ring));
    if (changes > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return changes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the data key store is closed');
  }
}
