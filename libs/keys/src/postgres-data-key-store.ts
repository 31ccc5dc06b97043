import type pg from 'pg';
import { createPgPoolWithSchema, type PgSessionLimits } from '#event-store';
import type { DataKeyStore, StoredDataKey } from './data-key-store.port.js';
import { ringPattern, SECRETS_RING } from './key-rings.js';
import { DataKeyExistsError } from './secrets.errors.js';
import { DATA_KEY_COLUMNS, DATA_KEYS_DDL, toStoredDataKey, type DataKeyRow } from './data-keys.table.js';

/** Serialises the DDL of concurrent starts (CREATE TABLE IF NOT EXISTS alone can still collide). */
const DATA_KEYS_SCHEMA_LOCK = 7_310_010;
const UNIQUE_VIOLATION = '23505';
/** Keys are read once per tenant and process, then cached by the vault: a small pool suffices. */
export const DEFAULT_DATA_KEY_POOL_SIZE = 2;

export interface PostgresDataKeyStoreOptions extends PgSessionLimits {
  poolSize?: number;
}

/**
 * Data keys in PostgreSQL, usually the events' database. The table gets no grant for the RLS
 * tenant role: a tenant-bound connection cannot read wrapped keys at all, only the owning role
 * the vault uses can. Destroying a key also asks VACUUM to prune the old row version now rather
 * than whenever autovacuum passes (WAL archives and backups still hold it until they expire).
 */
export class PostgresDataKeyStore implements DataKeyStore {
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  static async connect(connectionString: string, options: PostgresDataKeyStoreOptions = {}): Promise<PostgresDataKeyStore> {
    const pool = await createPgPoolWithSchema({ ...options, connectionString, max: options.poolSize ?? DEFAULT_DATA_KEY_POOL_SIZE }, DATA_KEYS_SCHEMA_LOCK, [DATA_KEYS_DDL]);
    return new PostgresDataKeyStore(pool);
  }

  async active(tenantId: string, ring = SECRETS_RING): Promise<StoredDataKey | undefined> {
    this.assertOpen();
    const { rows } = await this.pool.query<DataKeyRow>(
      `SELECT ${DATA_KEY_COLUMNS} FROM ll_data_keys WHERE tenant_id = $1 AND key_id LIKE $2 AND destroyed_at IS NULL ORDER BY created_at DESC, key_id DESC LIMIT 1`,
      [tenantId, ringPattern(ring)],
    );
    return rows[0] && toStoredDataKey(rows[0]);
  }

  async get(tenantId: string, keyId: string): Promise<StoredDataKey | undefined> {
    this.assertOpen();
    const { rows } = await this.pool.query<DataKeyRow>(`SELECT ${DATA_KEY_COLUMNS} FROM ll_data_keys WHERE tenant_id = $1 AND key_id = $2`, [tenantId, keyId]);
    return rows[0] && toStoredDataKey(rows[0]);
  }

  async insert(key: StoredDataKey): Promise<void> {
    this.assertOpen();
    try {
      await this.pool.query(`INSERT INTO ll_data_keys (${DATA_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
        key.tenantId, key.keyId, key.wrappedKey, key.masterKeyId, key.createdAt, key.destroyedAt,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new DataKeyExistsError(key.tenantId, key.keyId);
      throw error;
    }
  }

  async destroy(tenantId: string, which?: { keyId: string } | { ring: string }): Promise<number> {
    this.assertOpen();
    const keyId = which !== undefined && 'keyId' in which ? which.keyId : null;
    const pattern = which !== undefined && 'ring' in which ? ringPattern(which.ring) : null;
    const { rowCount } = await this.pool.query(
      `UPDATE ll_data_keys SET wrapped_key = '', destroyed_at = $4
       WHERE tenant_id = $1 AND ($2::text IS NULL OR key_id = $2) AND ($3::text IS NULL OR key_id LIKE $3) AND destroyed_at IS NULL`,
      [tenantId, keyId, pattern, new Date().toISOString()],
    );
    const destroyed = rowCount ?? 0;
    // Hygiene only: every reader already sees the key as destroyed, so a failed VACUUM must not
    // report the committed destruction as failed.
    if (destroyed > 0) await this.pool.query('VACUUM ll_data_keys').catch(() => undefined);
    return destroyed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the data key store is closed');
  }
}
