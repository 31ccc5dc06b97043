import type { Database, Statement } from 'better-sqlite3';
import { openOwnerOnlySqlite } from '#keys';
import type { AccountStore, ArtifactStore, GrantUsageStore, IdentityStore, RevocationStore, SecretStore, StoredArtifact } from './identity-store.port.js';
import { ACCOUNT_COLUMNS, artifactListQuery, identityDdl, indexedFields, likeEscape, toAccount, toListed, type AccountRow, type ArtifactRow, type ListedRow } from './identity.tables.js';

/**
 * The embedded identity store: `<dataDir>/identity.db`, owner-only, WAL with synchronous=FULL (a
 * lost refresh-token rotation or revocation must not come back after a crash).
 */
export class SqliteIdentityStore implements IdentityStore {
  readonly artifacts: ArtifactStore;
  readonly secrets: SecretStore;
  readonly accounts: AccountStore;
  readonly revocations: RevocationStore;
  readonly grantUsage: GrantUsageStore;

  private constructor(private readonly db: Database) {
    this.artifacts = sqliteArtifacts(db);
    this.secrets = sqliteSecrets(db);
    this.accounts = sqliteAccounts(db);
    this.revocations = sqliteRevocations(db);
    this.grantUsage = sqliteGrantUsage(db);
  }

  static open(path: string): SqliteIdentityStore {
    return new SqliteIdentityStore(openOwnerOnlySqlite(path, [], identityDdl('sqlite')));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toArtifact(row: ArtifactRow | undefined, now = Date.now()): StoredArtifact | undefined {
  if (!row) return undefined;
  if (row.expires_at !== null && Number(row.expires_at) <= now) return undefined;
  return { payload: JSON.parse(row.payload) as Record<string, unknown>, consumed: row.consumed_at !== null };
}

function sqliteArtifacts(db: Database): ArtifactStore {
  const upsert = db.prepare<[string, string, string, string | null, string | null, string | null, string | null, number | null, number]>(
    `INSERT INTO ll_oauth_artifacts (model, id, payload, grant_id, uid, user_code, account_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
       user_code = excluded.user_code, account_id = excluded.account_id, expires_at = excluded.expires_at`,
  );
  const find = db.prepare<[string, string], ArtifactRow>('SELECT payload, consumed_at, expires_at FROM ll_oauth_artifacts WHERE model = ? AND id = ?');
  const byUid = db.prepare<[string, string], ArtifactRow>('SELECT payload, consumed_at, expires_at FROM ll_oauth_artifacts WHERE model = ? AND uid = ?');
  const byUserCode = db.prepare<[string, string], ArtifactRow>('SELECT payload, consumed_at, expires_at FROM ll_oauth_artifacts WHERE model = ? AND user_code = ?');
  const consume = db.prepare<[number, string, string]>('UPDATE ll_oauth_artifacts SET consumed_at = ? WHERE model = ? AND id = ? AND consumed_at IS NULL');
  const destroy = db.prepare<[string, string]>('DELETE FROM ll_oauth_artifacts WHERE model = ? AND id = ?');
  const revoke = db.prepare<[string, string]>('DELETE FROM ll_oauth_artifacts WHERE model = ? AND grant_id = ?');
  const listings = new Map<string, Statement<unknown[], ListedRow>>();
  const prune = db.prepare<[number]>('DELETE FROM ll_oauth_artifacts WHERE expires_at IS NOT NULL AND expires_at <= ?');
  return {
    async upsert(model, id, payload, expiresAt) {
      const fields = indexedFields(payload);
      upsert.run(model, id, JSON.stringify(payload), fields.grantId, fields.uid, fields.userCode, fields.accountId, expiresAt ?? null, Date.now());
    },
    async find(model, id) {
      return toArtifact(find.get(model, id));
    },
    async findByUid(model, uid) {
      return toArtifact(byUid.get(model, uid));
    },
    async findByUserCode(model, userCode) {
      return toArtifact(byUserCode.get(model, userCode));
    },
    async consume(model, id) {
      consume.run(Date.now(), model, id);
    },
    async destroy(model, id) {
      destroy.run(model, id);
    },
    async revokeByGrantId(model, grantId) {
      revoke.run(model, grantId);
    },
    async listByModel(model, filter) {
      const { sql, values } = artifactListQuery('sqlite', model, filter, Date.now());
      let statement = listings.get(sql);
      if (!statement) listings.set(sql, (statement = db.prepare<unknown[], ListedRow>(sql)));
      return statement.all(...values).map(toListed);
    },
    async prune(now) {
      return prune.run(now).changes;
    },
  };
}

function sqliteSecrets(db: Database): SecretStore {
  const insert = db.prepare<[string, string, number]>('INSERT INTO ll_identity_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING');
  const get = db.prepare<[string], { value: string }>('SELECT value FROM ll_identity_secrets WHERE name = ?');
  const list = db.prepare<[string], { name: string; value: string; created_at: number }>(`SELECT name, value, created_at FROM ll_identity_secrets WHERE name LIKE ? ESCAPE '\\' ORDER BY created_at, name`);
  return {
    async putIfAbsent(name, value, createdAt) {
      insert.run(name, value, createdAt);
      return get.get(name)!.value;
    },
    async list(prefix) {
      return list.all(`${likeEscape(prefix)}%`).map((row) => ({ name: row.name, value: row.value, createdAt: Number(row.created_at) }));
    },
  };
}

function sqliteAccounts(db: Database): AccountStore {
  const add = db.prepare<[string, string, string, number]>('INSERT INTO ll_local_accounts (tenant_id, username, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const get = db.prepare<[string, string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ll_local_accounts WHERE tenant_id = ? AND username = ?`);
  const list = db.prepare<[string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ll_local_accounts WHERE tenant_id = ? ORDER BY username`);
  const count = db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM ll_local_accounts');
  const disable = db.prepare<[number, string, string]>('UPDATE ll_local_accounts SET disabled = ? WHERE tenant_id = ? AND username = ?');
  const password = db.prepare<[string, string, string]>('UPDATE ll_local_accounts SET password_hash = ?, failed_attempts = 0, locked_until = 0 WHERE tenant_id = ? AND username = ?');
  const failure = db.prepare<[number, string, string]>('UPDATE ll_local_accounts SET failed_attempts = failed_attempts + 1, locked_until = ? WHERE tenant_id = ? AND username = ?');
  const success = db.prepare<[string, string]>('UPDATE ll_local_accounts SET failed_attempts = 0, locked_until = 0 WHERE tenant_id = ? AND username = ?');
  return {
    async add(account) {
      return add.run(account.tenantId, account.username, account.passwordHash, account.createdAt).changes === 1;
    },
    async get(tenantId, username) {
      const row = get.get(tenantId, username);
      return row && toAccount(row);
    },
    async list(tenantId) {
      return list.all(tenantId).map(toAccount);
    },
    async count() {
      return count.get()!.count;
    },
    async setDisabled(tenantId, username, disabled) {
      return disable.run(disabled ? 1 : 0, tenantId, username).changes === 1;
    },
    async setPasswordHash(tenantId, username, passwordHash) {
      return password.run(passwordHash, tenantId, username).changes === 1;
    },
    async recordFailure(tenantId, username, lockedUntil) {
      failure.run(lockedUntil, tenantId, username);
    },
    async recordSuccess(tenantId, username) {
      success.run(tenantId, username);
    },
  };
}

function sqliteRevocations(db: Database): RevocationStore {
  const add = db.prepare<[string, string, number]>('INSERT INTO ll_revocations (subject, tenant_id, revoked_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING');
  const remove = db.prepare<[string]>('DELETE FROM ll_revocations WHERE subject = ?');
  const since = db.prepare<[number, number], { seq: number; subject: string; tenant_id: string; revoked_at: number }>(
    'SELECT seq, subject, tenant_id, revoked_at FROM ll_revocations WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  return {
    async add(subject, tenantId, revokedAt) {
      return add.run(subject, tenantId, revokedAt).changes === 1;
    },
    async remove(subject) {
      remove.run(subject);
    },
    async since(afterSeq, limit) {
      return since.all(afterSeq, limit).map((row) => ({ seq: Number(row.seq), subject: row.subject, tenantId: row.tenant_id, revokedAt: Number(row.revoked_at) }));
    },
  };
}

function sqliteGrantUsage(db: Database): GrantUsageStore {
  // The batch goes as one JSON array, so one prepared statement serves any size (no parameter limit).
  // `WHERE true` tells SQLite's parser the ON CONFLICT belongs to the INSERT, not to a join.
  const record = db.prepare<[string]>(
    `INSERT INTO ll_grant_usage (grant_id, tenant_id, last_used_at)
     SELECT json_extract(value, '$.grantId'), json_extract(value, '$.tenantId'), json_extract(value, '$.lastUsedAt') FROM json_each(?) WHERE true
     ON CONFLICT (grant_id) DO UPDATE SET last_used_at = max(last_used_at, excluded.last_used_at)`,
  );
  const lastUsed = db.prepare<[string, string], { grant_id: string; last_used_at: number }>(
    'SELECT grant_id, last_used_at FROM ll_grant_usage WHERE tenant_id = ? AND grant_id IN (SELECT value FROM json_each(?))',
  );
  return {
    async record(uses) {
      if (uses.length > 0) record.run(JSON.stringify(uses));
    },
    async lastUsed(tenantId, grantIds) {
      if (grantIds.length === 0) return new Map();
      return new Map(lastUsed.all(tenantId, JSON.stringify(grantIds)).map((row) => [row.grant_id, Number(row.last_used_at)]));
    },
  };
}
