import type { PoolClient } from 'pg';

/** The role tenant-bound connections switch to; row-level security applies to it. */
export const TENANT_ROLE = 'ledgerline_tenant';
/** The setting that binds a transaction to one tenant; RLS policies compare against it. */
export const TENANT_SETTING = 'ledgerline.tenant_id';

const MIGRATION_LOCK = 7_310_001;
/** Advisory lock class for per-tenant appends, and the key that serialises position reservation. */
export const TENANT_LOCK_CLASS = 7_310_002;
export const RESERVE_LOCK_CLASS = 7_310_003;

/** Ordered migrations; ll_schema_migrations records which have been applied. */
const MIGRATIONS: readonly string[] = [
  `
  DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TENANT_ROLE}') THEN
      CREATE ROLE ${TENANT_ROLE} NOLOGIN;
    END IF;
  END $$;
  GRANT ${TENANT_ROLE} TO CURRENT_USER;

  CREATE TABLE ll_events (
    global_position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  XID8        NOT NULL DEFAULT pg_current_xact_id(),
    tenant_id       TEXT        NOT NULL,
    tenant_position BIGINT      NOT NULL,
    stream_id       TEXT        NOT NULL,
    stream_version  BIGINT      NOT NULL,
    event_id        UUID        NOT NULL,
    type            TEXT        NOT NULL,
    schema_version  INTEGER     NOT NULL,
    data            JSON        NOT NULL,
    metadata        JSON        NOT NULL,
    recorded_at     TEXT        NOT NULL,
    hash            TEXT        NOT NULL,
    UNIQUE (tenant_id, stream_id, stream_version)
  );
  -- A tenant's events in global order (= its tenant-position order, appends to one tenant being
  -- serialised): the last entry is the tenant's head. Stream versions come from the unique index.
  CREATE INDEX ll_events_by_tenant ON ll_events (tenant_id, global_position);

  CREATE TABLE ll_idempotency_keys (
    tenant_id       TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    result          JSON NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
  );
  CREATE TABLE ll_checkpoints (
    subscription_id TEXT        NOT NULL PRIMARY KEY,
    position        BIGINT      NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
  );

  -- Row-level security: a connection bound to a tenant (role ${TENANT_ROLE}, setting
  -- ${TENANT_SETTING}) sees and writes that tenant's rows only, whatever SQL it runs.
  -- The owning role is not subject to it: system readers of the whole log use it.
  DO $$
  DECLARE t TEXT;
  BEGIN
    FOREACH t IN ARRAY ARRAY['ll_events', 'll_idempotency_keys'] LOOP
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
      EXECUTE format($p$CREATE POLICY tenant_isolation ON %I TO ${TENANT_ROLE}
        USING (tenant_id = current_setting('${TENANT_SETTING}', true))
        WITH CHECK (tenant_id = current_setting('${TENANT_SETTING}', true))$p$, t);
      -- Events are immutable: no UPDATE or DELETE for anyone but the owner.
      EXECUTE format('GRANT SELECT, INSERT ON %I TO ${TENANT_ROLE}', t);
    END LOOP;
  END $$;

  -- Reserves the global positions of one append and assigns the transaction its id in the same
  -- critical section, so that for appends, transaction id order equals global position order.
  -- Readers then read only below the oldest running transaction (the snapshot's xmin) and can
  -- never skip an event that commits late with a lower position. Only the reservation is
  -- serialised, not the transaction: the lock is taken and released inside this call.
  CREATE FUNCTION ll_reserve_positions(event_count INTEGER) RETURNS BIGINT[]
  LANGUAGE plpgsql AS $fn$
  DECLARE
    positions BIGINT[];
  BEGIN
    PERFORM pg_advisory_lock(${RESERVE_LOCK_CLASS}, 0);
    BEGIN
      PERFORM pg_current_xact_id();
      SELECT array_agg(nextval(pg_get_serial_sequence('ll_events', 'global_position')) ORDER BY n)
        INTO positions FROM generate_series(1, event_count) AS n;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      PERFORM pg_advisory_unlock(${RESERVE_LOCK_CLASS}, 0);
      RAISE;
    END;
    PERFORM pg_advisory_unlock(${RESERVE_LOCK_CLASS}, 0);
    RETURN positions;
  END $fn$;
  GRANT EXECUTE ON FUNCTION ll_reserve_positions(INTEGER) TO ${TENANT_ROLE};
  DO $$ BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ${TENANT_ROLE}', pg_get_serial_sequence('ll_events', 'global_position'));
  END $$;
  `,
];

/** Applies pending migrations; safe when several processes start at once. */
export async function migratePostgres(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS ll_schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM ll_schema_migrations');
    for (let version = rows[0]!.version; version < MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(MIGRATIONS[version]!);
        await client.query('INSERT INTO ll_schema_migrations (version) VALUES ($1)', [version + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
