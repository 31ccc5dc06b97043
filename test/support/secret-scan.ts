import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { EventStore } from '#event-store';
import { collect } from '../../libs/event-store/src/testing/event-store.contract.js';

export interface ScanTargets {
  store: EventStore;
  /** Every file under it is read raw: event, view and key databases with their WAL files, key files. */
  dataDir: string;
  /** On PostgreSQL: every row of every table is read as text. */
  databaseUrl: string | undefined;
  logs: string;
  /** Anything else that left the platform: tool results, REST answers. */
  extra: unknown;
}

/** Where the plaintext (or its base64 / hex forms) shows up; an empty list is the only good answer. */
export async function scanForSecret(secret: string, targets: ScanTargets): Promise<string[]> {
  const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
  const found: string[] = [];
  const check = (where: string, text: string): void => {
    if (forms.some((form) => text.includes(form))) found.push(where);
  };
  check('events (all tenants)', JSON.stringify(await collect(targets.store.readAll())));
  for (const file of filesUnder(targets.dataDir)) check(`file ${file}`, readFileSync(file).toString('latin1'));
  check('platform logs', targets.logs);
  check('tool results', JSON.stringify(targets.extra));
  if (targets.databaseUrl) {
    const client = new pg.Client({ connectionString: targets.databaseUrl });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ name: string }>(`SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
      for (const { name } of tables) {
        const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
        check(`table ${name}`, rows.map((r) => r.row).join('\n'));
      }
    } finally {
      await client.end();
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
