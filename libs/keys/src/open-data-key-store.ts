import { join } from 'node:path';
import type { EventStoreSettings } from '#event-store';
import type { DataKeyStore } from './data-key-store.port.js';
import { DEFAULT_DATA_KEY_POOL_SIZE, PostgresDataKeyStore } from './postgres-data-key-store.js';
import { SqliteDataKeyStore } from './sqlite-data-key-store.js';

export const DATA_KEYS_FILE = 'keys.db';

/**
 * The data key store beside the event store: `<dataDir>/keys.db` in embedded mode, the events'
 * database on PostgreSQL. The configured pool size is a ceiling: keys are read rarely.
 */
export async function openDataKeyStore(settings: EventStoreSettings): Promise<DataKeyStore> {
  return settings.kind === 'sqlite'
    ? SqliteDataKeyStore.open(join(settings.dataDir, DATA_KEYS_FILE))
    : PostgresDataKeyStore.connect(settings.connectionString, { ...settings, poolSize: Math.min(settings.poolSize ?? DEFAULT_DATA_KEY_POOL_SIZE, DEFAULT_DATA_KEY_POOL_SIZE) });
}
