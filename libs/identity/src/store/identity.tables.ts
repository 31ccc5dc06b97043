/**
 * The identity tables, one spelling for SQLite and PostgreSQL apart from the sequence column.
 * Times are epoch milliseconds. Artifacts keep their oidc-provider payload as JSON text.
 */
export function identityDdl(dialect: 'sqlite' | 'postgres'): string[] {
  const bigint = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const seq = dialect === 'sqlite' ? 'seq INTEGER PRIMARY KEY AUTOINCREMENT' : 'seq BIGSERIAL PRIMARY KEY';
  return [
    `CREATE TABLE IF NOT EXISTS ll_oauth_artifacts (
      model       TEXT NOT NULL,
      id          TEXT NOT NULL,
      payload     TEXT NOT NULL,
      grant_id    TEXT,
      uid         TEXT,
      user_code   TEXT,
      account_id  TEXT,
      expires_at  ${bigint},
      consumed_at ${bigint},
      created_at  ${bigint} NOT NULL,
      PRIMARY KEY (model, id)
    )`,
    'CREATE INDEX IF NOT EXISTS ll_oauth_artifacts_grant ON ll_oauth_artifacts (grant_id) WHERE grant_id IS NOT NULL',
    'CREATE INDEX IF NOT EXISTS ll_oauth_artifacts_uid ON ll_oauth_artifacts (uid) WHERE uid IS NOT NULL',
    'CREATE INDEX IF NOT EXISTS ll_oauth_artifacts_expiry ON ll_oauth_artifacts (expires_at) WHERE expires_at IS NOT NULL',
    'CREATE INDEX IF NOT EXISTS ll_oauth_artifacts_account ON ll_oauth_artifacts (model, account_id) WHERE account_id IS NOT NULL',
    `CREATE TABLE IF NOT EXISTS ll_identity_secrets (
      name       TEXT PRIMARY KEY,
      value      TEXT NOT NULL,
      created_at ${bigint} NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS ll_local_accounts (
      tenant_id       TEXT NOT NULL,
      username        TEXT NOT NULL,
      password_hash   TEXT NOT NULL,
      disabled        INTEGER NOT NULL DEFAULT 0,
      failed_attempts INTEGER NOT NULL DEFAULT 0,
      locked_until    ${bigint} NOT NULL DEFAULT 0,
      created_at      ${bigint} NOT NULL,
      PRIMARY KEY (tenant_id, username)
    )`,
    `CREATE TABLE IF NOT EXISTS ll_revocations (
      ${seq},
      subject    TEXT NOT NULL UNIQUE,
      tenant_id  TEXT NOT NULL,
      revoked_at ${bigint} NOT NULL
    )`,
  ];
}

export interface ArtifactRow {
  payload: string;
  consumed_at: number | string | null;
  expires_at: number | string | null;
}

export interface AccountRow {
  tenant_id: string;
  username: string;
  password_hash: string;
  disabled: number;
  failed_attempts: number;
  locked_until: number | string;
  created_at: number | string;
}

export const ACCOUNT_COLUMNS = 'tenant_id, username, password_hash, disabled, failed_attempts, locked_until, created_at';

/** What oidc-provider payloads say about their grant, interaction uid, user code and account. */
export function indexedFields(payload: Record<string, unknown>): { grantId: string | null; uid: string | null; userCode: string | null; accountId: string | null } {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return { grantId: text(payload.grantId), uid: text(payload.uid), userCode: text(payload.userCode), accountId: text(payload.accountId) };
}
