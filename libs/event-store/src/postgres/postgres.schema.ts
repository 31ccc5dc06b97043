import type { PoolClient } from 'pg';
import { GENESIS_HASH } from '../hash-chain.js';

/** The role tenant-bound connections switch to; row-level security applies to it. */
export const TENANT_ROLE = 'ledgerline_tenant';
/** The setting that binds a transaction to one tenant; RLS policies compare against it. */
export const TENANT_SETTING = 'ledgerline.tenant_id';

const MIGRATION_LOCK = 7_310_001;
/** Advisory lock class for per-tenant appends, and the key that serialises position reservation. */
export const TENANT_LOCK_CLASS = 7_310_002;
export const RESERVE_LOCK_CLASS = 7_310_003;
/**
 * An append in flight holds the transaction-level advisory lock `IN_FLIGHT_TAG | firstPosition`
 * (the single-bigint key space). The tag bit keeps these keys apart from every other advisory lock
 * of ours (small numbers, or hashtext's int4 sign-extended to 0xFFFFFFFF… in the high half).
 */
export const IN_FLIGHT_TAG = 1n << 62n;

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

  -- One append in one statement (one round trip, one implicit transaction): bind to the tenant
  -- (RLS role and setting), lock the tenant, check the idempotency key and the expected version,
  -- reserve positions, extend the hash chain and insert. Data and metadata arrive as RFC 8785
  -- canonical JSON; every other envelope field is an integer, a UUID, an ISO time or an id from
  -- a restricted alphabet, so the canonical envelope is plain concatenation and hashes exactly
  -- as hash-chain.ts does. Refusals are returned as a status, never half-written.
  CREATE FUNCTION ll_append(
    p_tenant TEXT, p_stream TEXT, p_expected BIGINT, p_event_ids UUID[], p_types TEXT[],
    p_schema_versions INTEGER[], p_data TEXT[], p_metadata TEXT[], p_recorded_at TEXT,
    p_idempotency_key TEXT, p_request_hash TEXT
  ) RETURNS TABLE (status TEXT, stream_version BIGINT, first_position BIGINT, last_position BIGINT, previous_result JSON)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_count INTEGER := cardinality(p_event_ids);
    v_version BIGINT;
    v_head_position BIGINT := 0;
    v_hash TEXT := '${GENESIS_HASH}';
    v_positions BIGINT[];
    v_key RECORD;
    v_hashes TEXT[] := '{}';
  BEGIN
    PERFORM set_config('role', '${TENANT_ROLE}', true), set_config('${TENANT_SETTING}', p_tenant, true);
    PERFORM pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, hashtext(p_tenant));
    IF p_idempotency_key IS NOT NULL THEN
      SELECT k.request_hash, k.result INTO v_key FROM ll_idempotency_keys k
        WHERE k.tenant_id = p_tenant AND k.idempotency_key = p_idempotency_key;
      IF FOUND THEN
        RETURN QUERY SELECT CASE WHEN v_key.request_hash = p_request_hash THEN 'replayed' ELSE 'key_reused' END,
          NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, v_key.result;
        RETURN;
      END IF;
    END IF;
    SELECT coalesce(max(e.stream_version), 0) INTO v_version FROM ll_events e WHERE e.tenant_id = p_tenant AND e.stream_id = p_stream;
    IF p_expected IS NOT NULL AND p_expected <> v_version THEN
      RETURN QUERY SELECT 'conflict', v_version, NULL::BIGINT, NULL::BIGINT, NULL::JSON;
      RETURN;
    END IF;
    -- Nothing so far assigned a transaction id: the reservation assigns it with the positions.
    v_positions := ll_reserve_positions(v_count);
    SELECT e.tenant_position, e.hash INTO v_head_position, v_hash FROM ll_events e
      WHERE e.tenant_id = p_tenant ORDER BY e.global_position DESC LIMIT 1;
    IF NOT FOUND THEN
      v_head_position := 0;
      v_hash := '${GENESIS_HASH}';
    END IF;
    FOR i IN 1..v_count LOOP
      v_hash := encode(sha256(decode(v_hash, 'hex') || convert_to(
        '{"data":' || p_data[i] || ',"eventId":"' || p_event_ids[i]::text || '","metadata":' || p_metadata[i] ||
        ',"recordedAt":"' || p_recorded_at || '","schemaVersion":' || p_schema_versions[i] ||
        ',"streamId":"' || p_stream || '","streamVersion":' || (v_version + i) ||
        ',"tenantId":"' || p_tenant || '","tenantPosition":' || (v_head_position + i) || ',"type":"' || p_types[i] || '"}',
        'UTF8')), 'hex');
      v_hashes := v_hashes || v_hash;
    END LOOP;
    INSERT INTO ll_events (global_position, tenant_id, tenant_position, stream_id, stream_version, event_id, type,
        schema_version, data, metadata, recorded_at, hash) OVERRIDING SYSTEM VALUE
      SELECT v_positions[i], p_tenant, v_head_position + i, p_stream, v_version + i, p_event_ids[i], p_types[i],
        p_schema_versions[i], p_data[i]::json, p_metadata[i]::json, p_recorded_at, v_hashes[i]
      FROM generate_series(1, v_count) AS i;
    IF p_idempotency_key IS NOT NULL THEN
      INSERT INTO ll_idempotency_keys (tenant_id, idempotency_key, request_hash, result)
      VALUES (p_tenant, p_idempotency_key, p_request_hash, json_build_object(
        'nextExpectedVersion', v_version + v_count, 'firstGlobalPosition', v_positions[1],
        'lastGlobalPosition', v_positions[v_count], 'eventIds', to_json(p_event_ids), 'replayed', false));
    END IF;
    RETURN QUERY SELECT 'appended', v_version + v_count, v_positions[1], v_positions[v_count], NULL::JSON;
  END $fn$;
  `,
  // Tombstones of archived events (retention): the row, its positions and hash stay, data and
  // metadata go. Only the owner updates rows (the tenant role may not), with a tenant predicate.
  `ALTER TABLE ll_events ADD COLUMN archived BOOLEAN NOT NULL DEFAULT false;`,
  // Appends in flight, not transaction ids, hold readers back (the xmin rule waited for every
  // transaction of the whole server, an operator's open psql session or another database's
  // included). See IN_FLIGHT_TAG and ll_oldest_in_flight().
  `
  CREATE OR REPLACE FUNCTION ll_reserve_positions(event_count INTEGER) RETURNS BIGINT[]
  LANGUAGE plpgsql AS $fn$
  DECLARE
    positions BIGINT[];
  BEGIN
    PERFORM pg_advisory_lock(${RESERVE_LOCK_CLASS}, 0);
    BEGIN
      -- Still assigns the transaction id here, for readers of an earlier version (xmin rule)
      -- during a rolling upgrade.
      PERFORM pg_current_xact_id();
      SELECT array_agg(nextval(pg_get_serial_sequence('ll_events', 'global_position')) ORDER BY n)
        INTO positions FROM generate_series(1, event_count) AS n;
      -- Marks the append in flight from its first position until its transaction ends (commit,
      -- rollback, or the session's death), in the same critical section as the reservation: every
      -- reserved position is either marked, committed or abandoned, whenever a reader looks.
      PERFORM pg_advisory_xact_lock(${IN_FLIGHT_TAG} | positions[1]);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      PERFORM pg_advisory_unlock(${RESERVE_LOCK_CLASS}, 0);
      RAISE;
    END;
    PERFORM pg_advisory_unlock(${RESERVE_LOCK_CLASS}, 0);
    RETURN positions;
  END $fn$;

  -- The first position of the oldest append in flight in this database (NULL: none), from the
  -- markers of ll_reserve_positions. Readers compare committed rows of their statement's snapshot,
  -- taken before this reads pg_locks, with it: an append that commits in between is either still
  -- marked, or (its reservation having preceded every committed position above it) visible to the
  -- reads that follow. STABLE, so that it runs in the caller's snapshot.
  CREATE FUNCTION ll_oldest_in_flight() RETURNS BIGINT
  LANGUAGE sql STABLE AS $fn$
    SELECT min((((l.classid::bigint) << 32) | l.objid::bigint) # ${IN_FLIGHT_TAG}) FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint BETWEEN ${IN_FLIGHT_TAG >> 32n} AND ${(IN_FLIGHT_TAG >> 32n) * 2n - 1n}
  $fn$;
  GRANT EXECUTE ON FUNCTION ll_oldest_in_flight() TO ${TENANT_ROLE};
  `,
];

/** Applies pending migrations; safe when several processes start at once. */
export async function migratePostgres(client: PoolClient): Promise<void> {
  // A migration (or the wait for another process's) may outlast the statement timeout of appends.
  await client.query('SET statement_timeout = 0');
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
    await client.query('RESET statement_timeout');
  }
}
