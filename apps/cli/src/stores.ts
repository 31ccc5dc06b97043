import { openEventStore, type EventStore, type EventStoreSettings } from '#event-store';
import { openViewDb, type ViewDb } from '#projections';
import { eventStoreSettingsOf, loadPlatformConfig, type PlatformConfig } from '../../platform/src/config/platform.config.js';
import type { CliIo } from './cli-io.js';

export interface CliStores {
  settings: EventStoreSettings;
  /** The data directory (keys, embedded files), also in PostgreSQL mode. */
  dataDir: string;
  /** The platform's configuration from the same environment (master key, export key, …). */
  config: PlatformConfig;
  store: EventStore;
  views: ViewDb;
}

/** Where the platform of this environment keeps its events: its own configuration, read and checked the platform's way. */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv): { settings: EventStoreSettings; dataDir: string; config: PlatformConfig } {
  const config = loadPlatformConfig(env);
  return { settings: eventStoreSettingsOf(config), dataDir: config.LEDGERLINE_DATA_DIR, config };
}

/** Opens the event store and the view database of the environment for one command, and closes both after it. */
export async function withStores<T>(io: CliIo, work: (stores: CliStores) => Promise<T>): Promise<T> {
  const { settings, dataDir, config } = storeSettingsFromEnv(io.env);
  const store = await openEventStore(settings);
  const views = openViewDb(settings);
  try {
    return await work({ settings, dataDir, config, store, views });
  } finally {
    await views.close();
    await store.close();
  }
}
