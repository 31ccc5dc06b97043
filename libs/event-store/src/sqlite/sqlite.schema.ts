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
    event_id        TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    data            TEXT    NOT NULL,
    metadata        TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    hash            TEXT    NOT NULL,
    UNIQUE (tenant_id, stream_id, stream_version)
  );
  -- A tenant's events in global order, which is also its tenant-position order: the tenant's
  -- head (last position and hash) is the last entry. Stream versions come from the unique index
  -- above. Every index costs page writes in each group commit, so there are no head tables.
  CREATE INDEX events_by_tenant ON events (tenant_id, global_position);
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
  // Tombstones of archived events (retention): the row, its positions and hash stay, data and metadata go.
  `ALTER TABLE events ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;`,
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
