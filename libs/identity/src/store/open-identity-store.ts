import { join } from 'node:path';
import type { EventStoreSettings } from '#event-store';
import type { IdentityStore } from './identity-store.port.js';
import { DEFAULT_IDENTITY_POOL_SIZE, PostgresIdentityStore } from './postgres-identity-store.js';
import { SqliteIdentityStore } from './sqlite-identity-store.js';

export const IDENTITY_FILE = 'identity.db';

/** The identity store beside the event store: `<dataDir>/identity.db` embedded, the events' database on PostgreSQL. */
export async function openIdentityStore(settings: EventStoreSettings): Promise<IdentityStore> {
  return settings.kind === 'sqlite'
    ? SqliteIdentityStore.open(join(settings.dataDir, IDENTITY_FILE))
    : PostgresIdentityStore.connect(settings.connectionString, { ...settings, poolSize: Math.min(settings.poolSize ?? DEFAULT_IDENTITY_POOL_SIZE, DEFAULT_IDENTITY_POOL_SIZE) });
}
