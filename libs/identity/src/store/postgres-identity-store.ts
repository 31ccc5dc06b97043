import type pg from 'pg';
import { createPgPoolWithSchema, type PgSessionLimits } from '#event-store';
import type { AccountStore, ArtifactStore, GrantUsageStore, IdentityStore, RevocationStore, SecretStore, StoredArtifact } from './identity-store.port.js';
import { ACCOUNT_COLUMNS, artifactListQuery, identityDdl, indexedFields, likeEscape, toAccount, toListed, type AccountRow, type ArtifactRow, type ListedRow } from './identity.tables.js';

/** Serialises the DDL of concurrent starts (CREATE ... IF NOT EXISTS alone can still collide). */
const IDENTITY_SCHEMA_LOCK = 7_310_016;
export const DEFAULT_IDENTITY_POOL_SIZE = 4;

export interface PostgresIdentityStoreOptions extends PgSessionLimits {
  poolSize?: number;
}

/** The identity tables in the events' PostgreSQL database: every API instance serves every step of a flow. */
export class PostgresIdentityStore implements IdentityStore {
  readonly artifacts: ArtifactStore;
  readonly secrets: SecretStore;
  readonly accounts: AccountStore;
  readonly revocations: RevocationStore;
  readonly grantUsage: GrantUsageStore;

  private constructor(private readonly pool: pg.Pool) {
    this.artifacts = pgArtifacts(pool);
    this.secrets = pgSecrets(pool);
    this.accounts = pgAccounts(pool);
    this.revocations = pgRevocations(pool);
    this.grantUsage = pgGrantUsage(pool);
  }

  static async connect(connectionString: string, options: PostgresIdentityStoreOptions = {}): Promise<PostgresIdentityStore> {
    const pool = await createPgPoolWithSchema({ ...options, connectionString, max: options.poolSize ?? DEFAULT_IDENTITY_POOL_SIZE }, IDENTITY_SCHEMA_LOCK, identityDdl('postgres'));
    return new PostgresIdentityStore(pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function toArtifact(row: ArtifactRow | undefined): StoredArtifact | undefined {
  if (!row) return undefined;
  if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) return undefined;
  return { payload: JSON.parse(row.payload) as Record<string, unknown>, consumed: row.consumed_at !== null };
}

function pgArtifacts(pool: pg.Pool): ArtifactStore {
  const one = async (sql: string, values: unknown[]): Promise<StoredArtifact | undefined> => toArtifact((await pool.query<ArtifactRow>(sql, values)).rows[0]);
  return {
    async upsert(model, id, payload, expiresAt) {
      const fields = indexedFields(payload);
      await pool.query(
        `INSERT INTO ll_oauth_artifacts (model, id, payload, grant_id, uid, user_code, account_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
           user_code = excluded.user_code, account_id = excluded.account_id, expires_at = excluded.expires_at`,
        [model, id, JSON.stringify(payload), fields.grantId, fields.uid, fields.userCode, fields.accountId, expiresAt ?? null, Date.now()],
      );
    },
    find: (model, id) => one('SELECT payload, consumed_at, expires_at FROM ll_oauth_artifacts WHERE model = $1 AND id = $2', [model, id]),
    findByUid: (model, uid) => one('SELECT payload, consumed_at, expires_at FROM ll_oauth_artifacts WHERE model = $1 AND uid = $2', [model, uid]),
    findByUserCode: (model, code) => one('SELECT payload, consumed_at, expires_at FROM ll_oauth_artifacts WHERE model = $1 AND user_code = $2', [model, code]),
    async consume(model, id) {
      await pool.query('UPDATE ll_oauth_artifacts SET consumed_at = $1 WHERE model = $2 AND id = $3 AND consumed_at IS NULL', [Date.now(), model, id]);
    },
    async destroy(model, id) {
      await pool.query('DELETE FROM ll_oauth_artifacts WHERE model = $1 AND id = $2', [model, id]);
    },
    async revokeByGrantId(model, grantId) {
      await pool.query('DELETE FROM ll_oauth_artifacts WHERE model = $1 AND grant_id = $2', [model, grantId]);
    },
    async listByModel(model, filter) {
      const { sql, values } = artifactListQuery('postgres', model, filter, Date.now());
      return (await pool.query<ListedRow>(sql, values)).rows.map(toListed);
    },
    async prune(now) {
      return (await pool.query('DELETE FROM ll_oauth_artifacts WHERE expires_at IS NOT NULL AND expires_at <= $1', [now])).rowCount ?? 0;
    },
  };
}

function pgSecrets(pool: pg.Pool): SecretStore {
  return {
    async putIfAbsent(name, value, createdAt) {
      await pool.query('INSERT INTO ll_identity_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [name, value, createdAt]);
      return (await pool.query<{ value: string }>('SELECT value FROM ll_identity_secrets WHERE name = $1', [name])).rows[0]!.value;
    },
    async list(prefix) {
      const { rows } = await pool.query<{ name: string; value: string; created_at: string }>(
        'SELECT name, value, created_at FROM ll_identity_secrets WHERE name LIKE $1 ORDER BY created_at, name',
        [`${likeEscape(prefix)}%`],
      );
      return rows.map((row) => ({ name: row.name, value: row.value, createdAt: Number(row.created_at) }));
    },
  };
}

function pgAccounts(pool: pg.Pool): AccountStore {
  const changed = async (sql: string, values: unknown[]): Promise<boolean> => ((await pool.query(sql, values)).rowCount ?? 0) === 1;
  return {
    add: (a) => changed('INSERT INTO ll_local_accounts (tenant_id, username, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [a.tenantId, a.username, a.passwordHash, a.createdAt]),
    async get(tenantId, username) {
      const row = (await pool.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ll_local_accounts WHERE tenant_id = $1 AND username = $2`, [tenantId, username])).rows[0];
      return row && toAccount(row);
    },
    async list(tenantId) {
      return (await pool.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ll_local_accounts WHERE tenant_id = $1 ORDER BY username`, [tenantId])).rows.map(toAccount);
    },
    async count() {
      return Number((await pool.query<{ count: string }>('SELECT COUNT(*) AS count FROM ll_local_accounts')).rows[0]!.count);
    },
    setDisabled: (tenantId, username, disabled) => changed('UPDATE ll_local_accounts SET disabled = $1 WHERE tenant_id = $2 AND username = $3', [disabled ? 1 : 0, tenantId, username]),
    setPasswordHash: (tenantId, username, hash) => changed('UPDATE ll_local_accounts SET password_hash = $1, failed_attempts = 0, locked_until = 0 WHERE tenant_id = $2 AND username = $3', [hash, tenantId, username]),
    async recordFailure(tenantId, username, lockedUntil) {
      await pool.query('UPDATE ll_local_accounts SET failed_attempts = failed_attempts + 1, locked_until = $1 WHERE tenant_id = $2 AND username = $3', [lockedUntil, tenantId, username]);
    },
    async recordSuccess(tenantId, username) {
      await pool.query('UPDATE ll_local_accounts SET failed_attempts = 0, locked_until = 0 WHERE tenant_id = $1 AND username = $2', [tenantId, username]);
    },
  };
}

function pgRevocations(pool: pg.Pool): RevocationStore {
  return {
    async add(subject, tenantId, revokedAt) {
      return ((await pool.query('INSERT INTO ll_revocations (subject, tenant_id, revoked_at) VALUES ($1, $2, $3) ON CONFLICT (subject) DO NOTHING', [subject, tenantId, revokedAt])).rowCount ?? 0) === 1;
    },
    async remove(subject) {
      await pool.query('DELETE FROM ll_revocations WHERE subject = $1', [subject]);
    },
    async since(afterSeq, limit) {
      const { rows } = await pool.query<{ seq: string; subject: string; tenant_id: string; revoked_at: string }>(
        'SELECT seq, subject, tenant_id, revoked_at FROM ll_revocations WHERE seq > $1 ORDER BY seq LIMIT $2',
        [afterSeq, limit],
      );
      return rows.map((row) => ({ seq: Number(row.seq), subject: row.subject, tenantId: row.tenant_id, revokedAt: Number(row.revoked_at) }));
    },
  };
}

function pgGrantUsage(pool: pg.Pool): GrantUsageStore {
  return {
    async record(uses) {
      if (uses.length === 0) return;
      await pool.query(
        `INSERT INTO ll_grant_usage (grant_id, tenant_id, last_used_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (grant_id) DO UPDATE SET last_used_at = GREATEST(ll_grant_usage.last_used_at, excluded.last_used_at)`,
        [uses.map((use) => use.grantId), uses.map((use) => use.tenantId), uses.map((use) => use.lastUsedAt)],
      );
    },
    async lastUsed(tenantId, grantIds) {
      if (grantIds.length === 0) return new Map();
      const { rows } = await pool.query<{ grant_id: string; last_used_at: string }>(
        'SELECT grant_id, last_used_at FROM ll_grant_usage WHERE tenant_id = $1 AND grant_id = ANY($2::text[])',
        [tenantId, [...grantIds]],
      );
      return new Map(rows.map((row) => [row.grant_id, Number(row.last_used_at)]));
    },
  };
}
