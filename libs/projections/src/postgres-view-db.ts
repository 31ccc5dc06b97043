import pg from 'pg';
import { assertTenantId, createPgPool, type PgSessionLimits } from '#event-store';
import type { Leadership, ViewDb, ViewSql } from './view-db.port.js';

const TENANT_ROLE = 'ledgerline_tenant';
const TENANT_SETTING = 'ledgerline.tenant_id';

/** `?` placeholders to PostgreSQL's `$n`. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * `sql` with its `?` placeholders replaced by the values as literals, as pg sends them as text
 * (strings quoted and escaped by pg itself, numbers quoted, so the server infers their types from
 * context as it does for parameters); undefined when a value is of another kind (then the
 * statement goes with parameters).
 */
function inlined(sql: string, params: readonly unknown[]): string | undefined {
  const literals: string[] = [];
  for (const value of params) {
    if (value === null || value === undefined) literals.push('NULL');
    else if (typeof value === 'string') literals.push(pg.escapeLiteral(value));
    else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') literals.push(`'${String(value)}'`);
    else if (typeof value === 'boolean') literals.push(String(value));
    else return undefined;
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => literals[n++] ?? '?');
  return n === literals.length ? text : undefined;
}

function sqlOn(client: pg.Pool | pg.PoolClient): ViewSql {
  return {
    async run(sql, params = []) {
      return (await client.query(numbered(sql), [...params])).rowCount ?? 0;
    },
    async all<Row extends object>(sql: string, params: readonly unknown[] = []) {
      return (await client.query<Row>(numbered(sql), [...params])).rows;
    },
  };
}

/** Views in the same PostgreSQL database as the events, protected by the same row-level security. */
export class PostgresViewDb implements ViewDb {
  readonly lockRowsClause = ' FOR UPDATE';
  private readonly sql: ViewSql;

  private constructor(private readonly pool: pg.Pool, private readonly connectionString: string) {
    this.sql = sqlOn(pool);
  }

  static connect(connectionString: string, poolSize = 4, limits: PgSessionLimits = {}): PostgresViewDb {
    const pool = createPgPool({ ...limits, connectionString, max: poolSize });
    return new PostgresViewDb(pool, connectionString);
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.sql.run(sql, params);
  }

  all<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.sql.all<Row>(sql, params);
  }

  async transaction<T>(work: (tx: ViewSql) => Promise<T>, bind?: (client: pg.PoolClient) => Promise<void>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      await bind?.(client);
      const result = await work(sqlOn(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** BEGIN and the setting in one round trip; the setting ends with the transaction. */
  replayableTransaction<T>(work: (tx: ViewSql) => Promise<T>): Promise<T> {
    return this.transaction(work, undefined, 'BEGIN; SET LOCAL synchronous_commit = off');
  }

  exclusiveTransaction<T>(tables: readonly string[], work: (tx: ViewSql) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      if (tables.length > 0) await tx.run(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      return work(tx);
    });
  }

  /**
   * Statements bound to one tenant (the RLS role and setting). One round trip each: the binding
   * and the statement go as one simple query, which PostgreSQL runs as one implicit transaction
   * (the binding ends with it, and an error rolls it back by itself), instead of BEGIN, the
   * binding, the statement and COMMIT. Values other than strings, numbers and booleans go the long
   * way, as parameters.
   */
  forTenant(tenantId: string): ViewSql {
    assertTenantId(tenantId);
    // The tenant id is inlined only after assertTenantId proved it a plain token.
    const binding = `SELECT set_config('role', '${TENANT_ROLE}', true), set_config('${TENANT_SETTING}', '${tenantId}', true)`;
    const bound = <T>(work: (tx: ViewSql) => Promise<T>) =>
      this.transaction(work, async (client) => {
        await client.query(binding);
      });
    const oneTrip = async <Row extends object>(sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult<Row> | undefined> => {
      const text = inlined(sql, params);
      if (text === undefined) return undefined;
      const results = (await this.pool.query(`${binding}; ${text}`)) as unknown as Array<pg.QueryResult<Row>>;
      return results[1];
    };
    return {
      run: async (sql, params) => {
        const result = await oneTrip(sql, params);
        return result ? result.rowCount ?? 0 : bound((tx) => tx.run(sql, params));
      },
      all: async <Row extends object>(sql: string, params?: readonly unknown[]) => {
        const result = await oneTrip<Row>(sql, params);
        return result ? result.rows : bound((tx) => tx.all<Row>(sql, params));
      },
    };
  }

  async tryLead(name: string): Promise<Leadership | undefined> {
    const client = new pg.Client({ connectionString: this.connectionString });
    await client.connect();
    let lose!: () => void;
    const lost = new Promise<void>((resolve) => (lose = resolve));
    client.on('error', () => lose());
    client.on('end', () => lose());
    const { rows } = await client.query<{ leads: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS leads', [`ledgerline:${name}`]);
    if (!rows[0]?.leads) {
      await client.end();
      return undefined;
    }
    return { lost, release: () => client.end().catch(() => undefined) };
  }

  async protectTenantTable(table: string): Promise<void> {
    await this.pool.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
    await this.pool.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
    await this.pool.query(`CREATE POLICY tenant_isolation ON ${table} TO ${TENANT_ROLE} USING (tenant_id = current_setting('${TENANT_SETTING}', true))`);
    await this.pool.query(`GRANT SELECT ON ${table} TO ${TENANT_ROLE}`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
