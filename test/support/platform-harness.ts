import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '#event-store';
import { createTestDatabase } from '../../libs/event-store/src/postgres/postgres-test-database.js';
import { PLATFORM_MAIN, startPlatform, type PlatformProcess } from './platform-process.js';

export type StoreKind = 'sqlite' | 'postgres';

/** The started platform on one store, a direct handle on that store, and its dev issuer. */
export interface PlatformHarness {
  platform: PlatformProcess;
  store: EventStore;
  issuer: DevIssuer;
  /** The PostgreSQL database the platform uses, when it runs on PostgreSQL. */
  databaseUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startPlatformOn(kind: StoreKind, env: Record<string, string> = {}, main = PLATFORM_MAIN): Promise<PlatformHarness> {
  const database = kind === 'postgres' ? await createTestDatabase() : undefined;
  const platform = database
    ? await startPlatform({ LEDGERLINE_EVENT_STORE: 'postgres', DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '4', ...env }, main)
    : await startPlatform(env, main);
  const store = database
    ? await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 })
    : SqliteEventStore.open({ path: join(platform.dataDir, 'events.db') });
  return {
    platform,
    store,
    databaseUrl: database?.url,
    issuer: DevIssuer.openOrCreate(platform.dataDir, { issuer: platform.url, audience: `${platform.url}/mcp` }),
    async stop() {
      await platform.stop();
      await store.close();
      await database?.drop();
    },
  };
}
