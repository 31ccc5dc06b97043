import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { TenantAccess, type TenantAccessCheck } from '#auth';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { TENANTS_TABLE, tenantsProjection } from '../projections/tenants.projection.js';
import { TenantSuspendedError } from '../tenant.errors.js';
import { PLATFORM_TENANT } from '../tenant.events.js';

/** How long a read of the suspended set serves calls at most, should the view's progress go unnoticed. */
const MAX_AGE_MS = 1000;

/**
 * Refuses the callers of suspended tenants on every authenticated call. It reads the tenants view,
 * which follows the log within about a second of an append by any process (the CLI included); the
 * suspended set is read again when the view moves, or after MAX_AGE_MS, never per call. Tenants
 * the registry does not know are not suspended: tokens of unregistered tenants keep working.
 */
@Injectable()
export class SuspendedTenants implements TenantAccessCheck, OnModuleInit {
  private readonly projector: Projector;
  private suspended: ReadonlySet<string> = new Set();
  private readAt = Number.NEGATIVE_INFINITY;
  private movedAt = 0;
  private reading: Promise<void> | undefined;
  private readonly logger = new Logger(SuspendedTenants.name);

  constructor(
    registry: ProjectorRegistry,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    // Processes without an API (workers) have no authentication to plug into.
    @Optional() @Inject(TenantAccess) private readonly access?: TenantAccess,
  ) {
    this.projector = registry.register(tenantsProjection);
  }

  onModuleInit(): void {
    this.projector.onProgress(() => (this.movedAt = performance.now()));
    this.access?.enforce(this);
  }

  async assertMayAct(tenantId: string): Promise<void> {
    // A read that started before the view last moved may have missed the change.
    if (this.readAt <= this.movedAt || performance.now() - this.readAt >= MAX_AGE_MS) await this.refresh();
    if (this.suspended.has(tenantId)) throw new TenantSuspendedError(tenantId);
  }

  /** One read at a time: calls arriving meanwhile wait for it rather than start their own. */
  private refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /**
   * A view that cannot be read (a scale-out API process started before the workers built it)
   * leaves the last known set in force until the next try: a token was verified all the same,
   * and the whole API must not fail on the registry's view.
   */
  private async read(): Promise<void> {
    const startedAt = performance.now();
    try {
      const rows = await this.db.forTenant(PLATFORM_TENANT).all<{ id: string }>(`SELECT id FROM ${TENANTS_TABLE} WHERE tenant_id = ? AND status = 'suspended'`, [PLATFORM_TENANT]);
      this.suspended = new Set(rows.map((row) => row.id));
    } catch (error) {
      this.logger.warn(`cannot read the suspended tenants (${String(error)}); keeping the ${this.suspended.size} known until the next try`);
    }
    this.readAt = startedAt;
  }
}
