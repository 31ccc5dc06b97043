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

/**
 * How ll_append_batch reads a stream's version when the batch has not touched the stream yet:
 * migration 4 took max(); migration 5 reads the last index entry instead, as a generic plan.
 * max() was planned again at every call (its custom plans looked cheaper than the generic one):
 * 0.2 ms of a lone append's 1 ms, and it read every version of the stream.
 */
const STREAM_VERSION_BY_MAX = `          SELECT coalesce(max(e.stream_version), 0) INTO v_version FROM ll_events e WHERE e.tenant_id = v_tenant AND e.stream_id = v_stream;`;
const STREAM_VERSION_BY_LAST_ENTRY = `          v_version := coalesce((SELECT e.stream_version FROM ll_events e WHERE e.tenant_id = v_tenant AND e.stream_id = v_stream
            ORDER BY e.stream_version DESC LIMIT 1), 0);`;

/**
 * The text of ll_append_batch (migration 4 says what it does), with its stream-version lookup:
 * one text for the migration that created it and the one that replaced it, which must give
 * CREATE OR REPLACE the whole body. Migration 4's text stays as it was applied.
 */
function appendBatchFunction(create: 'CREATE' | 'CREATE OR REPLACE', streamVersionLookup: string): string {
  return `  ${create} FUNCTION ll_append_batch(
    p_tenants TEXT[], p_streams TEXT[], p_expected BIGINT[], p_counts INTEGER[], p_keys TEXT[],
    p_request_hashes TEXT[], p_recorded_at TEXT[], p_event_ids UUID[], p_types TEXT[],
    p_schema_versions INTEGER[], p_data TEXT[], p_metadata TEXT[]
  ) RETURNS TABLE (ord INTEGER, status TEXT, stream_version BIGINT, first_position BIGINT, last_position BIGINT, previous_result JSON)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_lock INTEGER;
    v_positions BIGINT[];
    v_next INTEGER := 1;
    v_offset INTEGER := 0;
    v_count INTEGER;
    v_tenant TEXT;
    v_stream TEXT;
    v_version BIGINT;
    v_head_position BIGINT;
    v_hash TEXT;
    v_at INTEGER;
    v_found RECORD;
    v_result JSON;
    -- What the batch appended so far: versions by tenant/stream, heads by tenant, keys by "tenant key".
    b_streams TEXT[] := '{}';
    b_versions BIGINT[] := '{}';
    b_tenants TEXT[] := '{}';
    b_head_positions BIGINT[] := '{}';
    b_head_hashes TEXT[] := '{}';
    b_keys TEXT[] := '{}';
    b_key_hashes TEXT[] := '{}';
    b_key_results JSON[] := '{}';
    -- The envelope of each event of the batch, aligned with p_event_ids; NULL for refused appends.
    r_positions BIGINT[] := '{}';
    r_tenants TEXT[] := '{}';
    r_tenant_positions BIGINT[] := '{}';
    r_streams TEXT[] := '{}';
    r_versions BIGINT[] := '{}';
    r_hashes TEXT[] := '{}';
    r_recorded_at TEXT[] := '{}';
  BEGIN
    -- Every tenant of the batch is locked first, in one order (of the lock keys) for every batch
    -- of every process: batches that share tenants wait for each other and never deadlock.
    FOR v_lock IN SELECT DISTINCT hashtext(t) FROM unnest(p_tenants) AS t ORDER BY 1 LOOP
      PERFORM pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, v_lock);
    END LOOP;
    -- One reservation (and one in-flight marker) for every event of the batch, after the locks: a
    -- marker held while waiting for a lock would hold readers back. Positions of refused appends
    -- stay unused, a gap as a rolled-back append leaves.
    v_positions := ll_reserve_positions(cardinality(p_event_ids));
    FOR i IN 1..cardinality(p_tenants) LOOP
      v_tenant := p_tenants[i];
      v_stream := p_streams[i];
      v_count := p_counts[i];
      ord := i;
      previous_result := NULL;
      first_position := NULL;
      last_position := NULL;
      stream_version := NULL;
      status := NULL;
      IF p_keys[i] IS NOT NULL THEN
        v_at := array_position(b_keys, v_tenant || ' ' || p_keys[i]);
        IF v_at IS NOT NULL THEN
          status := CASE WHEN b_key_hashes[v_at] = p_request_hashes[i] THEN 'replayed' ELSE 'key_reused' END;
          previous_result := b_key_results[v_at];
        ELSE
          SELECT k.request_hash, k.result INTO v_found FROM ll_idempotency_keys k
            WHERE k.tenant_id = v_tenant AND k.idempotency_key = p_keys[i];
          IF FOUND THEN
            status := CASE WHEN v_found.request_hash = p_request_hashes[i] THEN 'replayed' ELSE 'key_reused' END;
            previous_result := v_found.result;
          END IF;
        END IF;
      END IF;
      IF status IS NULL THEN
        v_at := array_position(b_streams, v_tenant || '/' || v_stream);
        IF v_at IS NOT NULL THEN
          v_version := b_versions[v_at];
        ELSE
${streamVersionLookup}
        END IF;
        IF p_expected[i] IS NOT NULL AND p_expected[i] <> v_version THEN
          status := 'conflict';
          stream_version := v_version;
        END IF;
      END IF;
      IF status IS NOT NULL THEN
        FOR j IN 1..v_count LOOP
          r_positions := r_positions || NULL::BIGINT;
          r_tenants := r_tenants || NULL::TEXT;
          r_tenant_positions := r_tenant_positions || NULL::BIGINT;
          r_streams := r_streams || NULL::TEXT;
          r_versions := r_versions || NULL::BIGINT;
          r_hashes := r_hashes || NULL::TEXT;
          r_recorded_at := r_recorded_at || NULL::TEXT;
        END LOOP;
        RETURN NEXT;
        v_offset := v_offset + v_count;
        CONTINUE;
      END IF;
      v_at := array_position(b_tenants, v_tenant);
      IF v_at IS NOT NULL THEN
        v_head_position := b_head_positions[v_at];
        v_hash := b_head_hashes[v_at];
      ELSE
        SELECT e.tenant_position, e.hash INTO v_head_position, v_hash FROM ll_events e
          WHERE e.tenant_id = v_tenant ORDER BY e.global_position DESC LIMIT 1;
        IF NOT FOUND THEN
          v_head_position := 0;
          v_hash := '${GENESIS_HASH}';
        END IF;
      END IF;
      FOR j IN 1..v_count LOOP
        v_hash := encode(sha256(decode(v_hash, 'hex') || convert_to(
          '{"data":' || p_data[v_offset + j] || ',"eventId":"' || p_event_ids[v_offset + j]::text || '","metadata":' || p_metadata[v_offset + j] ||
          ',"recordedAt":"' || p_recorded_at[i] || '","schemaVersion":' || p_schema_versions[v_offset + j] ||
          ',"streamId":"' || v_stream || '","streamVersion":' || (v_version + j) ||
          ',"tenantId":"' || v_tenant || '","tenantPosition":' || (v_head_position + j) || ',"type":"' || p_types[v_offset + j] || '"}',
          'UTF8')), 'hex');
        r_positions := r_positions || v_positions[v_next + j - 1];
        r_tenants := r_tenants || v_tenant;
        r_tenant_positions := r_tenant_positions || (v_head_position + j);
        r_streams := r_streams || v_stream;
        r_versions := r_versions || (v_version + j);
        r_hashes := r_hashes || v_hash;
        r_recorded_at := r_recorded_at || p_recorded_at[i];
      END LOOP;
      v_at := array_position(b_streams, v_tenant || '/' || v_stream);
      IF v_at IS NULL THEN
        b_streams := b_streams || (v_tenant || '/' || v_stream);
        b_versions := b_versions || (v_version + v_count);
      ELSE
        b_versions[v_at] := v_version + v_count;
      END IF;
      v_at := array_position(b_tenants, v_tenant);
      IF v_at IS NULL THEN
        b_tenants := b_tenants || v_tenant;
        b_head_positions := b_head_positions || (v_head_position + v_count);
        b_head_hashes := b_head_hashes || v_hash;
      ELSE
        b_head_positions[v_at] := v_head_position + v_count;
        b_head_hashes[v_at] := v_hash;
      END IF;
      status := 'appended';
      stream_version := v_version + v_count;
      first_position := v_positions[v_next];
      last_position := v_positions[v_next + v_count - 1];
      IF p_keys[i] IS NOT NULL THEN
        v_result := json_build_object('nextExpectedVersion', stream_version, 'firstGlobalPosition', first_position,
          'lastGlobalPosition', last_position, 'eventIds', to_json(p_event_ids[v_offset + 1:v_offset + v_count]), 'replayed', false);
        b_keys := b_keys || (v_tenant || ' ' || p_keys[i]);
        b_key_hashes := b_key_hashes || p_request_hashes[i];
        b_key_results := b_key_results || v_result;
        INSERT INTO ll_idempotency_keys (tenant_id, idempotency_key, request_hash, result)
          VALUES (v_tenant, p_keys[i], p_request_hashes[i], v_result);
      END IF;
      RETURN NEXT;
      v_next := v_next + v_count;
      v_offset := v_offset + v_count;
    END LOOP;
    INSERT INTO ll_events (global_position, tenant_id, tenant_position, stream_id, stream_version, event_id, type,
        schema_version, data, metadata, recorded_at, hash) OVERRIDING SYSTEM VALUE
      SELECT x.pos, x.tenant, x.tenant_pos, x.stream, x.version, x.id, x.type, x.schema_version, x.data::json, x.metadata::json, x.recorded_at, x.hash
      FROM unnest(r_positions, r_tenants, r_tenant_positions, r_streams, r_versions, p_event_ids, p_types, p_schema_versions,
        p_data, p_metadata, r_recorded_at, r_hashes)
        AS x(pos, tenant, tenant_pos, stream, version, id, type, schema_version, data, metadata, recorded_at, hash)
      WHERE x.pos IS NOT NULL;
  END $fn$;`;
}

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
  // Group commit: the appends that arrive together at one process go to the database as one
  // statement and commit in one transaction (one WAL flush), each with its own outcome; and
  // tenant-bound reads as one statement each (the RLS binding inside), one round trip instead of
  // three (BEGIN with the binding, the query, COMMIT). ll_append stays for processes of the
  // previous version during a rolling upgrade (they take one tenant lock per transaction, so they
  // cannot close a cycle with a batch's ordered locks).
  `
  -- Appends i = 1..n of a batch: per append a tenant, stream, expected version (NULL: any), event
  -- count, idempotency key and request hash (NULL: none) and time; the events of all appends
  -- flat, in order. Returns one row per append, as ll_append does. Refused appends (conflict,
  -- reused or replayed key) write nothing; the others see the ones before them in the batch
  -- (kept in arrays here until the one insert at the end: a statement per append cost three
  -- times as much). The rows are written as the owner, not the RLS-bound role: one statement
  -- holds several tenants, and the policy's tenant would come from the same argument as each
  -- row's, so it could catch nothing here; tenant-bound reads keep it.
${appendBatchFunction('CREATE', STREAM_VERSION_BY_MAX)}

  -- Tenant-bound reads, one statement each: the RLS role and the tenant setting are bound inside
  -- (local to the statement's own transaction), so the query still sees one tenant only.
  CREATE FUNCTION ll_read_stream(p_tenant TEXT, p_stream TEXT, p_from BIGINT, p_limit BIGINT, p_backward BOOLEAN)
  RETURNS SETOF ll_events LANGUAGE plpgsql AS $fn$
  BEGIN
    PERFORM set_config('role', '${TENANT_ROLE}', true), set_config('${TENANT_SETTING}', p_tenant, true);
    IF p_backward THEN
      RETURN QUERY SELECT e.* FROM ll_events e WHERE e.tenant_id = p_tenant AND e.stream_id = p_stream
        AND e.stream_version <= p_from AND NOT e.archived ORDER BY e.stream_version DESC LIMIT p_limit;
    ELSE
      RETURN QUERY SELECT e.* FROM ll_events e WHERE e.tenant_id = p_tenant AND e.stream_id = p_stream
        AND e.stream_version >= p_from AND NOT e.archived ORDER BY e.stream_version LIMIT p_limit;
    END IF;
  END $fn$;

  CREATE FUNCTION ll_read_tenant(p_tenant TEXT, p_after BIGINT, p_head BIGINT, p_limit BIGINT, p_with_tombstones BOOLEAN)
  RETURNS SETOF ll_events LANGUAGE plpgsql AS $fn$
  BEGIN
    PERFORM set_config('role', '${TENANT_ROLE}', true), set_config('${TENANT_SETTING}', p_tenant, true);
    RETURN QUERY SELECT e.* FROM ll_events e WHERE e.tenant_id = p_tenant AND e.global_position > p_after
      AND e.global_position <= p_head AND (p_with_tombstones OR NOT e.archived) ORDER BY e.global_position LIMIT p_limit;
  END $fn$;

  CREATE FUNCTION ll_find_idempotency_key(p_tenant TEXT, p_key TEXT)
  RETURNS TABLE (request_hash TEXT, result JSON) LANGUAGE plpgsql AS $fn$
  BEGIN
    PERFORM set_config('role', '${TENANT_ROLE}', true), set_config('${TENANT_SETTING}', p_tenant, true);
    RETURN QUERY SELECT k.request_hash, k.result FROM ll_idempotency_keys k WHERE k.tenant_id = p_tenant AND k.idempotency_key = p_key;
  END $fn$;

  -- The tenant's last event: below the oldest append in flight (p_safe), or the last committed.
  CREATE FUNCTION ll_tenant_head(p_tenant TEXT, p_safe BOOLEAN) RETURNS BIGINT LANGUAGE plpgsql AS $fn$
  DECLARE
    v_head BIGINT;
  BEGIN
    PERFORM set_config('role', '${TENANT_ROLE}', true), set_config('${TENANT_SETTING}', p_tenant, true);
    IF p_safe THEN
      SELECT max(e.global_position) INTO v_head FROM ll_events e WHERE e.tenant_id = p_tenant
        AND e.global_position < coalesce((SELECT ll_oldest_in_flight()), ${Number.MAX_SAFE_INTEGER});
    ELSE
      SELECT max(e.global_position) INTO v_head FROM ll_events e WHERE e.tenant_id = p_tenant;
    END IF;
    RETURN coalesce(v_head, 0);
  END $fn$;
  DO $$
  DECLARE f TEXT;
  BEGIN
    FOREACH f IN ARRAY ARRAY['ll_append_batch(TEXT[], TEXT[], BIGINT[], INTEGER[], TEXT[], TEXT[], TEXT[], UUID[], TEXT[], INTEGER[], TEXT[], TEXT[])',
      'll_read_stream(TEXT, TEXT, BIGINT, BIGINT, BOOLEAN)', 'll_read_tenant(TEXT, BIGINT, BIGINT, BIGINT, BOOLEAN)',
      'll_find_idempotency_key(TEXT, TEXT)', 'll_tenant_head(TEXT, BOOLEAN)'] LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO ${TENANT_ROLE}', f);
    END LOOP;
  END $$;
  `,
  // ll_append_batch as in migration 4 but for how it reads a stream's version (see
  // STREAM_VERSION_BY_LAST_ENTRY): a lone append 1.0 ms -> 0.65 ms as statement and commit,
  // measured alone; groups gain as much per append. The other parts were measured too
  // (reservation without its subtransaction, hash, locks) and each cost under 0.05 ms.
  `
${appendBatchFunction('CREATE OR REPLACE', STREAM_VERSION_BY_LAST_ENTRY)}
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
