import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase } from '../../event-store/src/postgres/postgres-test-database.js';
import { PostgresViewDb } from './postgres-view-db.js';

describe('leadership among processes sharing a PostgreSQL view database', () => {
  let database: { url: string; drop: () => Promise<void> };
  let first: PostgresViewDb;
  let second: PostgresViewDb;

  beforeAll(async () => {
    database = await createTestDatabase();
    first = PostgresViewDb.connect(database.url, 2);
    second = PostgresViewDb.connect(database.url, 2);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('lets one holder lead a name at a time, and the next one lead after a release', async () => {
    const leading = await first.tryLead('projectors');
    expect(leading).toBeDefined();
    expect(await second.tryLead('projectors')).toBeUndefined();
    const other = await second.tryLead('relay');
    expect(other).toBeDefined();
    await leading!.release();
    const next = await second.tryLead('projectors');
    expect(next).toBeDefined();
    await next!.release();
    await other!.release();
  });

  it('frees the lead when the holder\'s connection dies, and tells the holder it lost it', async () => {
    const leading = (await first.tryLead('views'))!;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // The holder's session is the one holding an advisory lock: end it as a crash would.
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`);
    } finally {
      await admin.end();
    }
    await expect(Promise.race([leading.lost.then(() => 'lost'), new Promise((resolve) => setTimeout(() => resolve('still leading'), 5000))])).resolves.toBe('lost');
    const next = await second.tryLead('views');
    expect(next).toBeDefined();
    await next!.release();
  });
});
