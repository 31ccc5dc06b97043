import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '#auth';
import { PostgresEventStore } from '#event-store';
import { kafkaTestBrokers } from '../../libs/bus/src/testing/kafka-test-brokers.js';
import { createTestDatabase } from '../../libs/event-store/src/postgres/postgres-test-database.js';
import { startPlatform, WORKER_MAIN, type PlatformProcess } from './platform-process.js';
import { freePort } from './processes.js';

/** A scale-out deployment on this machine: a fresh database, Kafka topics of its own, workers, one API process. */
export interface Cluster {
  api: PlatformProcess;
  workers: PlatformProcess[];
  store: PostgresEventStore;
  issuer: DevIssuer;
  /** The variables every process got (KAFKA_BROKERS, LEDGERLINE_KAFKA_TOPIC, …). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startCluster(options: { workers: number; env?: Record<string, string> }): Promise<Cluster> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-cluster-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: database.url, LEDGERLINE_MASTER_KEY: randomBytes(32).toString('base64'), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PUBLIC_URL: url,
    KAFKA_BROKERS: kafkaTestBrokers().join(','), LEDGERLINE_KAFKA_TOPIC: `ledgerline.test-${randomBytes(4).toString('hex')}`, LEDGERLINE_KAFKA_PARTITIONS: '8',
    ...options.env,
  };
  const workers = await Promise.all(Array.from({ length: options.workers }, () => startPlatform(env, WORKER_MAIN)));
  const api = await startPlatform({ ...env, LEDGERLINE_ROLE: 'api', LEDGERLINE_PORT: String(port) });
  const store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
  return {
    api, workers, store, env,
    issuer: DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` }),
    async stop() {
      // At once: a worker on Kafka takes seconds to leave its groups (kafkajs waits for its fetches), and one after the other the waits added up.
      await Promise.all([api, ...workers].map((process) => process.stop()));
      await store.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
