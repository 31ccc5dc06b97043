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

  async transaction<T>(work: (tx: ViewSql) => Promise<T>, bind?: (client: pg.PoolClient) => Promise<void>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
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

  exclusiveTransaction<T>(tables: readonly string[], work: (tx: ViewSql) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      if (tables.length > 0) await tx.run(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      return work(tx);
    });
  }

  forTenant(tenantId: string): ViewSql {
    assertTenantId(tenantId);
    const bound = <T>(work: (tx: ViewSql) => Promise<T>) =>
      this.transaction(work, async (client) => {
        await client.query(`SELECT set_config('role', $1, true), set_config($2, $3, true)`, [TENANT_ROLE, TENANT_SETTING, tenantId]);
      });
    return {
      run: (sql, params) => bound((tx) => tx.run(sql, params)),
      all: <Row extends object>(sql: string, params?: readonly unknown[]) => bound((tx) => tx.all<Row>(sql, params)),
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
