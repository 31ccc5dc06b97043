import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProjectorRegistry, VIEW_DB, type Projector, type ViewDb } from '#projections';
import { TENANTS_TABLE, tenantsProjection } from '../../projections/tenants.projection.js';
import { PLATFORM_TENANT } from '../../tenant.events.js';
import { ListTenantsQuery, type TenantView } from './list-tenants.query.js';

@QueryHandler(ListTenantsQuery)
export class ListTenantsHandler implements IQueryHandler<ListTenantsQuery> {
  private readonly projector: Projector;

  constructor(registry: ProjectorRegistry, @Inject(VIEW_DB) private readonly db: ViewDb) {
    this.projector = registry.register(tenantsProjection);
  }

  async execute(): Promise<TenantView[]> {
    await this.projector.caughtUpWith(PLATFORM_TENANT);
    const rows = await this.db.forTenant(PLATFORM_TENANT).all<{ id: string; name: string; created_at: string; created_by: string | null }>(
      `SELECT id, name, created_at, created_by FROM ${TENANTS_TABLE} WHERE tenant_id = ?`,
      [PLATFORM_TENANT],
    );
    return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at, createdBy: row.created_by })).sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}
