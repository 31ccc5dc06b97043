import type { ArtifactFilter, ListedArtifact, StoredAccount } from './identity-store.port.js';

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
    `CREATE TABLE IF NOT EXISTS ll_grant_usage (
      grant_id     TEXT PRIMARY KEY,
      tenant_id    TEXT NOT NULL,
      last_used_at ${bigint} NOT NULL
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

/**
 * What oidc-provider payloads say about their grant, interaction uid, user code and owner. The
 * owner (`account_id`) is the account of a grant or token (`<tenant>:<user>`), and for a client a
 * tenant admin registered (`tenant_id` in its metadata) the tenant alone, `<tenant>:`: so one
 * indexed prefix lists a tenant's grants or its clients, and no account id can look like it.
 */
export function indexedFields(payload: Record<string, unknown>): { grantId: string | null; uid: string | null; userCode: string | null; accountId: string | null } {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const tenantOwner = text(payload.tenant_id);
  return { grantId: text(payload.grantId), uid: text(payload.uid), userCode: text(payload.userCode), accountId: text(payload.accountId) ?? (tenantOwner === null ? null : `${tenantOwner}:`) };
}

/** A LIKE pattern's literal part, for `ESCAPE` with a backslash: `%`, `_` and the backslash match themselves. */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The one listing query of both stores: live rows of a model, newest first with the id breaking
 * ties, so a cursor (the last row's position) resumes exactly where a page ended.
 */
export function artifactListQuery(dialect: 'sqlite' | 'postgres', model: string, filter: ArtifactFilter, now: number): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return dialect === 'sqlite' ? '?' : `$${values.length}`;
  };
  const where = [`model = ${param(model)}`, `(expires_at IS NULL OR expires_at > ${param(now)})`];
  if (filter.accountPrefix !== undefined) where.push(`account_id LIKE ${param(`${likeEscape(filter.accountPrefix)}%`)} ESCAPE '\\'`);
  if (filter.account !== undefined) where.push(`account_id = ${param(filter.account)}`);
  if (filter.clientId !== undefined) {
    const clientId = dialect === 'sqlite' ? "json_extract(payload, '$.clientId')" : "(payload::jsonb ->> 'clientId')";
    where.push(`${clientId} = ${param(filter.clientId)}`);
  }
  if (filter.after !== undefined) {
    const { createdAt, id } = filter.after;
    where.push(`(created_at < ${param(createdAt)} OR (created_at = ${param(createdAt)} AND id < ${param(id)}))`);
  }
  const sql = `SELECT id, payload, created_at FROM ll_oauth_artifacts WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${param(filter.limit)}`;
  return { sql, values };
}

export interface ListedRow {
  id: string;
  payload: string;
  created_at: number | string;
}

export function toListed(row: ListedRow): ListedArtifact {
  return { id: row.id, payload: JSON.parse(row.payload) as Record<string, unknown>, createdAt: Number(row.created_at) };
}

export function toAccount(row: AccountRow): StoredAccount {
  return {
    tenantId: row.tenant_id,
    username: row.username,
    passwordHash: row.password_hash,
    disabled: Number(row.disabled) !== 0,
    failedAttempts: Number(row.failed_attempts),
    lockedUntil: Number(row.locked_until),
    createdAt: Number(row.created_at),
  };
}
