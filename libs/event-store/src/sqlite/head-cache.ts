import type { TenantHead } from '../append-plan.js';
import type { StreamId, TenantId } from '../event-store.port.js';

/** Hot streams only: most streams (a run's) are written a few times and never again. */
const MAX_STREAMS = 10_000;

/**
 * Tenant heads and stream versions this connection has written or read, so a group commit
 * need not look them up again. Valid only while no other connection writes to the file: the
 * writer passes SQLite's `data_version` (which changes only on other connections' commits) at
 * the start of every write transaction, and the cache empties itself when it moved.
 */
export class HeadCache {
  private dataVersion: number | undefined;
  private readonly tenants = new Map<TenantId, TenantHead>();
  private readonly streams = new Map<string, number>();

  revalidate(dataVersion: number): void {
    if (dataVersion !== this.dataVersion) this.clear();
    this.dataVersion = dataVersion;
  }

  clear(): void {
    this.tenants.clear();
    this.streams.clear();
    this.dataVersion = undefined;
  }

  tenantHead(tenantId: TenantId, load: () => TenantHead): TenantHead {
    let head = this.tenants.get(tenantId);
    if (head === undefined) {
      head = load();
      this.tenants.set(tenantId, head);
    }
    return head;
  }

  streamVersion(tenantId: TenantId, streamId: StreamId, load: () => number): number {
    const key = `${tenantId}\u0000${streamId}`;
    let version = this.streams.get(key);
    if (version === undefined) {
      version = load();
      this.setStream(key, version);
    }
    return version;
  }

  update(tenantId: TenantId, streamId: StreamId, head: TenantHead, streamVersion: number): void {
    this.tenants.set(tenantId, head);
    this.setStream(`${tenantId}\u0000${streamId}`, streamVersion);
  }

  private setStream(key: string, version: number): void {
    this.streams.delete(key);
    this.streams.set(key, version);
    if (this.streams.size > MAX_STREAMS) this.streams.delete(this.streams.keys().next().value!);
  }
}
