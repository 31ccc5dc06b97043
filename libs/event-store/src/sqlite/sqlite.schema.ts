import type { Database } from 'better-sqlite3';

/** Ordered migrations; `PRAGMA user_version` records how many have been applied. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    global_position INTEGER PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    tenant_position INTEGER NOT NULL,
    stream_id       TEXT    NOT NULL,
    stream_version  INTEGER NOT NULL,
    event_id        TEXT    NOT NULL UNIQUE,
    type            TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    data            TEXT    NOT NULL,
    metadata        TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    hash            TEXT    NOT NULL,
    UNIQUE (tenant_id, stream_id, stream_version),
    UNIQUE (tenant_id, tenant_position)
  );
  CREATE INDEX events_by_tenant ON events (tenant_id, global_position);
  CREATE TABLE streams (
    tenant_id TEXT    NOT NULL,
    stream_id TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, stream_id)
  ) WITHOUT ROWID;
  CREATE TABLE tenant_heads (
    tenant_id TEXT    NOT NULL PRIMARY KEY,
    position  INTEGER NOT NULL,
    hash      TEXT    NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE idempotency_keys (
    tenant_id       TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    result          TEXT NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
  ) WITHOUT ROWID;
  CREATE TABLE checkpoints (
    subscription_id TEXT    NOT NULL PRIMARY KEY,
    position        INTEGER NOT NULL,
    updated_at      TEXT    NOT NULL
  ) WITHOUT ROWID;
  `,
];

export function migrateSqlite(db: Database): void {
  db.transaction(() => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (let version = applied; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version]!);
    }
    if (applied < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
