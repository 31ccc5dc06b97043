import { ValidationError } from '#core';
import { openEventStore, type EventStore, type EventStoreSettings } from '#event-store';
import { openViewDb, type ViewDb } from '#projections';
import type { CliIo } from './cli-io.js';

/** The same defaults as the platform (apps/platform/src/config): DATABASE_URL alone selects PostgreSQL. */
export const DEFAULT_DATA_DIR = './data';

export interface CliStores {
  settings: EventStoreSettings;
  /** The data directory (keys, embedded files), also in PostgreSQL mode. */
  dataDir: string;
  store: EventStore;
  views: ViewDb;
}

/** Where the platform of this environment keeps its events: LEDGERLINE_EVENT_STORE, DATABASE_URL, LEDGERLINE_DATA_DIR. */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv): { settings: EventStoreSettings; dataDir: string } {
  const dataDir = env.LEDGERLINE_DATA_DIR?.trim() || DEFAULT_DATA_DIR;
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const kind = env.LEDGERLINE_EVENT_STORE?.trim() || (databaseUrl ? 'postgres' : 'sqlite');
  if (kind === 'sqlite') return { settings: { kind, dataDir }, dataDir };
  if (kind !== 'postgres') throw new ValidationError('cli.store.kind', `LEDGERLINE_EVENT_STORE must be sqlite or postgres, not ${kind}`);
  if (!databaseUrl) throw new ValidationError('cli.store.no_database_url', 'LEDGERLINE_EVENT_STORE=postgres needs DATABASE_URL');
  return { settings: { kind, connectionString: databaseUrl, poolSize: 4 }, dataDir };
}

/** Opens the event store and the view database of the environment for one command, and closes both after it. */
export async function withStores<T>(io: CliIo, work: (stores: CliStores) => Promise<T>): Promise<T> {
  const { settings, dataDir } = storeSettingsFromEnv(io.env);
  const store = await openEventStore(settings);
  const views = openViewDb(settings);
  try {
    return await work({ settings, dataDir, store, views });
  } finally {
    await views.close();
    await store.close();
  }
}
