import { Inject, Injectable } from '@nestjs/common';
import { VIEW_DB, type ViewSql } from '#projections';
import { retryUntilDone } from '../retry-until-done.js';
import { instanceStatus, type InstanceEntry, type InstanceIdentity, type InstanceRole } from './instance.js';
import type { Readiness } from './readiness.port.js';

export const INSTANCES_TABLE = 'll_instances';

interface InstanceRow {
  instance_id: string;
  role: string;
  host: string;
  pid: number | string;
  version: string;
  started_at: number | string;
  heartbeat_ms: number | string;
  last_seen_at: number | string;
  ready: number | string;
  checks: string;
  stopped_at: number | string | null;
}

/**
 * The processes of the installation, a row each, in the store they all share (the embedded
 * views.db, or the events' PostgreSQL database; portable SQL, see ViewSql): every process writes
 * its own row (InstanceHeartbeat), anyone reads them all.
 */
@Injectable()
export class InstanceRegistry {
  /** The table, made on first use; a store that was away is asked again at the next call. */
  private readonly ensureTable = retryUntilDone(() => this.createTable());

  constructor(@Inject(VIEW_DB) private readonly db: ViewSql) {}

  /** One upsert: the process is alive at `at`, and this ready. */
  async beat(instance: InstanceIdentity, at: number, readiness: Readiness): Promise<void> {
    await this.ensureTable();
    await this.db.run(
      `INSERT INTO ${INSTANCES_TABLE} (instance_id, role, host, pid, version, started_at, heartbeat_ms, last_seen_at, ready, checks, stopped_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, ready = excluded.ready, checks = excluded.checks, stopped_at = NULL`,
      [instance.instanceId, instance.role, instance.host, instance.pid, instance.version, instance.startedAt, instance.heartbeatMs, at, readiness.ready ? 1 : 0, JSON.stringify(readiness.checks)],
    );
  }

  /** A graceful shutdown: the entry says `stopped` from now on. */
  async stop(instanceId: string, at: number): Promise<void> {
    await this.ensureTable();
    await this.db.run(`UPDATE ${INSTANCES_TABLE} SET stopped_at = ?, last_seen_at = ?, ready = 0 WHERE instance_id = ?`, [at, at, instanceId]);
  }

  /** Every entry, its status judged at `now`: the oldest first within each role. */
  async list(now: number): Promise<InstanceEntry[]> {
    await this.ensureTable();
    const rows = await this.db.all<InstanceRow>(`SELECT * FROM ${INSTANCES_TABLE} ORDER BY role, started_at, instance_id`);
    return rows.map((row) => {
      const entry = {
        instanceId: row.instance_id,
        role: row.role as InstanceRole,
        host: row.host,
        pid: Number(row.pid),
        version: row.version,
        startedAt: Number(row.started_at),
        heartbeatMs: Number(row.heartbeat_ms),
        lastSeenAt: Number(row.last_seen_at),
        ready: Number(row.ready) === 1,
        checks: JSON.parse(row.checks) as Record<string, string>,
        stoppedAt: row.stopped_at === null ? null : Number(row.stopped_at),
      };
      return { ...entry, status: instanceStatus(entry, now) };
    });
  }

  /** Deletes the entries last seen before `before`; how many went. */
  async prune(before: number): Promise<number> {
    await this.ensureTable();
    return this.db.run(`DELETE FROM ${INSTANCES_TABLE} WHERE last_seen_at < ?`, [before]);
  }

  private async createTable(): Promise<void> {
    const ddl = `CREATE TABLE IF NOT EXISTS ${INSTANCES_TABLE} (instance_id TEXT PRIMARY KEY, role TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
      version TEXT NOT NULL, started_at BIGINT NOT NULL, heartbeat_ms INTEGER NOT NULL, last_seen_at BIGINT NOT NULL, ready INTEGER NOT NULL,
      checks TEXT NOT NULL, stopped_at BIGINT)`;
    // Processes starting together on PostgreSQL: all but one may fail to create it, and find it there.
    await this.db.run(ddl).catch(async (error: unknown) => {
      const exists = await this.db.all(`SELECT 1 FROM ${INSTANCES_TABLE} WHERE 1 = 0`).then(() => true, () => false);
      if (!exists) throw error;
    });
  }
}
