import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../../../libs/event-store/src/postgres/postgres-test-database.js';
import { AppModule } from '../app.module.js';

describe('platform health over HTTP', () => {
  let app: INestApplication | undefined;
  let cleanup: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  async function start(env: Record<string, string>): Promise<string> {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    return app.getUrl();
  }

  it('answers /healthz and /readyz on the embedded SQLite store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-platform-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const url = await start({ LEDGERLINE_DATA_DIR: dataDir });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', eventStore: 'sqlite', headPosition: 0 });
  });

  it('reports not ready with 503 when PostgreSQL goes away', async () => {
    const database = await createTestDatabase();
    cleanup.push(database.drop);
    const url = await start({ DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '2' }); // DATABASE_URL alone selects PostgreSQL
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', eventStore: 'postgres', headPosition: 0 });
    await database.drop();
    const unready = await fetch(`${url}/readyz`);
    expect(unready.status).toBe(503);
    expect(await unready.json()).toMatchObject({ status: 'unavailable', eventStore: 'postgres' });
  });

  it('refuses to start on invalid configuration, naming the variable', async () => {
    await expect(start({ LEDGERLINE_EVENT_STORE: 'postgres' })).rejects.toThrow(/DATABASE_URL: LEDGERLINE_EVENT_STORE=postgres needs DATABASE_URL/);
    await expect(start({ LEDGERLINE_EVENT_STORE: 'mysql' })).rejects.toThrow(/LEDGERLINE_EVENT_STORE/);
    await expect(start({ LEDGERLINE_PORT: '-1', LEDGERLINE_MAX_EVENT_BYTES: 'lots' })).rejects.toThrow(/LEDGERLINE_PORT.*LEDGERLINE_MAX_EVENT_BYTES/);
  });
});
