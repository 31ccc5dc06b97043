import type { EventStore } from '#event-store';
import { readTenantRegistry } from '#tenants';

/** A read of the registry serves this long; a tenant not found in a read older than MISS_AGE_MS is looked up again. */
const FRESH_MS = 5000;
const MISS_AGE_MS = 1000;

export type TenantStatus = 'active' | 'suspended';

/**
 * Which tenants exist, read from the registry's events in the log (the tenants view may lag, or not
 * be kept by an API-only process), cached briefly: sign-ins are rare next to tool calls, but a burst
 * of them must not each read the platform tenant's whole history.
 */
export class TenantDirectory {
  private statuses: ReadonlyMap<string, TenantStatus> = new Map();
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;

  constructor(private readonly events: EventStore, private readonly clock: () => number = Date.now) {}

  /** Undefined for a tenant the registry does not know. */
  async statusOf(tenantId: string): Promise<TenantStatus | undefined> {
    const age = this.clock() - this.readAt;
    if (age >= FRESH_MS || (!this.statuses.has(tenantId) && age >= MISS_AGE_MS)) await this.refresh();
    return this.statuses.get(tenantId);
  }

  /** One read at a time; callers arriving meanwhile share it. */
  private refresh(): Promise<void> {
    this.reading ??= (async () => {
      const startedAt = this.clock();
      const tenants = await readTenantRegistry(this.events);
      this.statuses = new Map(tenants.map((tenant) => [tenant.id, tenant.status]));
      this.readAt = startedAt;
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }
}
