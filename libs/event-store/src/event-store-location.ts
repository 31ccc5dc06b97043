import { join, resolve } from 'node:path';
import type { EventStoreSettings } from './open-event-store.js';

/** The embedded store's file in a data directory. */
export function sqliteFileOf(dataDir: string): string {
  return join(dataDir, 'events.db');
}

/**
 * Where the events live, for people: the SQLite file's absolute path, or PostgreSQL's database and
 * host (a socket directory for `?host=/run/postgresql`). Never the connection string itself: it may
 * hold a password.
 */
export function eventStoreLocationOf(settings: EventStoreSettings): string {
  if (settings.kind === 'sqlite') return `SQLite ${resolve(sqliteFileOf(settings.dataDir))}`;
  let url: URL;
  try {
    url = new URL(settings.connectionString);
  } catch {
    return 'PostgreSQL';
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(the default database)';
  return `PostgreSQL ${database} on ${url.host || url.searchParams.get('host') || 'localhost'}`;
}
