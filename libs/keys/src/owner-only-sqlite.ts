import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';

/**
 * A SQLite file for secrets: created owner-only before SQLite opens it (SQLite gives its -wal and
 * -shm files the same mode), WAL with synchronous=FULL (a lost write could lose a key or bring a
 * revoked token back after a crash), then `pragmas` and `statements`. Closed again if they fail.
 */
export function openOwnerOnlySqlite(path: string, pragmas: readonly string[], statements: readonly string[]): Database {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  const db = new BetterSqlite3(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    for (const pragma of pragmas) db.pragma(pragma);
    for (const statement of statements) db.exec(statement);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
