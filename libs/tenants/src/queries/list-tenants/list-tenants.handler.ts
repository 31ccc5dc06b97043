import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { TENANTS_TABLE, tenantsProjection } from '../../projections/tenants.projection.js';
import { PLATFORM_TENANT } from '../../tenant.events.js';
import { ListTenantsQuery, type TenantView } from './list-tenants.query.js';

interface TenantRow {
  id: string;
  name: string;
  created_at: string;
  created_by: string | null;
  status: string;
  suspended_at: string | null;
  reason: string | null;
}

@QueryHandler(ListTenantsQuery)
export class ListTenantsHandler implements IQueryHandler<ListTenantsQuery> {
  private readonly projector: Projector;

  constructor(registry: ProjectorRegistry, @Inject(VIEW_DB) private readonly db: ViewDb) {
    this.projector = registry.register(tenantsProjection);
  }

  async execute(): Promise<TenantView[]> {
    await this.projector.caughtUpWith(PLATFORM_TENANT);
    const rows = await this.db.forTenant(PLATFORM_TENANT).all<TenantRow>(
      `SELECT id, name, created_at, created_by, status, suspended_at, reason FROM ${TENANTS_TABLE} WHERE tenant_id = ?`,
      [PLATFORM_TENANT],
    );
    return rows.map((row): TenantView => ({
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      createdBy: row.created_by,
      status: row.status === 'suspended' ? 'suspended' : 'active',
      suspendedAt: row.suspended_at,
      reason: row.reason,
    })).sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}
