import { sqliteFileOf } from './event-store-location.js';
import type { EventStore } from './event-store.port.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';
import type { PgSessionLimits } from './postgres/pg-pool.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export type EventStoreSettings =
  | { kind: 'sqlite'; dataDir: string; maxEventBytes?: number }
  | ({ kind: 'postgres'; connectionString: string; poolSize?: number; maxEventBytes?: number } & PgSessionLimits);

export const EVENT_STORE_SETTINGS = Symbol('EVENT_STORE_SETTINGS');

export async function openEventStore(settings: EventStoreSettings): Promise<EventStore> {
  return settings.kind === 'sqlite'
    ? SqliteEventStore.open({ path: sqliteFileOf(settings.dataDir), maxEventBytes: settings.maxEventBytes })
    : PostgresEventStore.connect(settings);
}
