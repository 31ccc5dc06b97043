import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import { createTestDatabase } from '../../event-store/src/postgres/postgres-test-database.js';
import { PostgresViewDb } from './postgres-view-db.js';

/**
 * Tenant-bound statements go in one round trip, their values inlined as literals: what must hold
 * is that the values arrive exactly as parameters would (quotes, backslashes, numbers, booleans,
 * NULL), that none can change the statement, that the binding still confines the statement to its
 * tenant, and that it ends with the statement, even a failing one, on a pooled connection.
 */
describe('PostgresViewDb.forTenant', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let views: PostgresViewDb;
  const awkward = "it's a \\ back'slash \\' and 'quotes''";

  beforeAll(async () => {
    database = await createTestDatabase();
    // The event store's migration creates the tenant role.
    await (await PostgresEventStore.connect({ connectionString: database.url })).close();
    views = PostgresViewDb.connect(database.url, 1);
    await views.run('CREATE TABLE vt (tenant_id TEXT NOT NULL, v TEXT, n INTEGER, b BOOLEAN)');
    await views.protectTenantTable('vt');
    await views.run('INSERT INTO vt VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)', ['a', awkward, 5, true, 'a', 'plain', 1, false, 'b', awkward, 5, true]);
  });
  afterAll(async () => {
    await views?.close();
    await database?.drop();
  });

  it('values arrive as parameters would, and none changes the statement', async () => {
    const a = views.forTenant('a');
    expect(await a.all('SELECT v, n, b FROM vt WHERE v = ?', [awkward])).toEqual([{ v: awkward, n: 5, b: true }]);
    expect(await a.all("SELECT v FROM vt WHERE v = ?", ["x' OR '1'='1"])).toEqual([]);
    expect(await a.all('SELECT v FROM vt WHERE v = ?', ["x\\' OR 1=1 --"])).toEqual([]);
    expect(await a.all('SELECT v FROM vt WHERE n > ? AND b = ? AND ? IS NULL ORDER BY n LIMIT ?', [2, true, null, 10])).toEqual([{ v: awkward }]);
    // A value inlining does not handle goes as a parameter.
    expect(await a.all('SELECT v FROM vt WHERE n = ANY(?) ORDER BY n', [[1, 5]])).toEqual([{ v: 'plain' }, { v: awkward }]);
    expect(await a.run('UPDATE vt SET n = n WHERE v = ?', ['plain']).catch((error: Error) => error.message)).toMatch(/permission denied/);
  });

  it('confines the statement to its tenant, and the binding ends with it, failing or not', async () => {
    expect(await views.forTenant('b').all('SELECT tenant_id FROM vt')).toEqual([{ tenant_id: 'b' }]);
    await expect(views.forTenant('b').all('SELECT 1 / (n - 5) FROM vt')).rejects.toThrow(/division by zero/);
    // The pool's one connection, unbound again: every tenant's rows.
    expect((await views.all<{ tenant_id: string }>('SELECT tenant_id FROM vt ORDER BY tenant_id')).map((r) => r.tenant_id)).toEqual(['a', 'a', 'b']);
    const [setting] = await views.all<{ tenant: string | null }>('SELECT current_setting(?, true) AS tenant', ['ledgerline.tenant_id']);
    expect(setting!.tenant ?? '').toBe('');
  });

  it('a replayable transaction commits without waiting for the disk, all or nothing, and the setting ends with it', async () => {
    const setting = async (tx: { all<Row extends object>(sql: string): Promise<Row[]> }) => (await tx.all<{ synchronous_commit: string }>('SHOW synchronous_commit'))[0]!.synchronous_commit;
    expect(await views.replayableTransaction(async (tx) => {
      await tx.run('INSERT INTO vt VALUES (?, ?, ?, ?)', ['c', 'replayable', 7, true]);
      return setting(tx);
    })).toBe('off');
    await expect(views.replayableTransaction(async (tx) => {
      await tx.run('INSERT INTO vt VALUES (?, ?, ?, ?)', ['c', 'rolled back', 8, true]);
      throw new Error('the batch failed');
    })).rejects.toThrow('the batch failed');
    expect(await views.all('SELECT v FROM vt WHERE tenant_id = ? ORDER BY n', ['c'])).toEqual([{ v: 'replayable' }]);
    // The pool's one connection, in an ordinary transaction and outside one: durable commits again.
    expect(await views.transaction((tx) => setting(tx))).toBe('on');
    expect(await setting(views)).toBe('on');
    await views.run('DELETE FROM vt WHERE tenant_id = ?', ['c']);
  });
});
