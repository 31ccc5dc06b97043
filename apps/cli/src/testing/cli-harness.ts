import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore, type EventStore } from '#event-store';
import { createTestDatabase } from '../../../../libs/event-store/src/postgres/postgres-test-database.js';
import { runCli } from '../cli.js';
import { storeSettingsFromEnv } from '../stores.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** One environment (embedded files or a fresh PostgreSQL database) the CLI runs in, in-process, and a handle on its store. */
export interface CliHarness {
  env: NodeJS.ProcessEnv;
  store: EventStore;
  /** `stdin`: what the command reads from standard input (--password-stdin). */
  cli(args: string[], stdin?: string): Promise<CliRun>;
  cleanup(): Promise<void>;
}

export async function cliHarness(kind: StoreKind): Promise<CliHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-cli-'));
  const database = kind === 'postgres' ? await createTestDatabase() : undefined;
  const env: NodeJS.ProcessEnv = { LEDGERLINE_DATA_DIR: dataDir, ...(database && { DATABASE_URL: database.url }) };
  const store = await openEventStore(storeSettingsFromEnv(env).settings);
  return {
    env,
    store,
    async cli(args, stdin) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(args, { env, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, ...(stdin !== undefined && { readStdin: async () => stdin }) });
      return { code, stdout, stderr };
    },
    async cleanup() {
      await store.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
