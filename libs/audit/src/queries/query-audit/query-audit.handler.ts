import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { auditEntriesProjection } from '../../projections/audit-entries.projection.js';
import { queryAuditEntries } from './query-audit-entries.js';
import { QueryAuditQuery, type QueryAuditResult } from './query-audit.query.js';

/** The caller's tenant trail from the audit_entries view, after the view caught up with the tenant's log. */
@QueryHandler(QueryAuditQuery)
export class QueryAuditHandler implements IQueryHandler<QueryAuditQuery> {
  private readonly projector: Projector;

  constructor(registry: ProjectorRegistry, @Inject(VIEW_DB) private readonly db: ViewDb) {
    this.projector = registry.register(auditEntriesProjection);
  }

  async execute({ metadata, filter }: QueryAuditQuery): Promise<QueryAuditResult> {
    await this.projector.caughtUpWith(metadata.tenantId);
    return queryAuditEntries(this.db.forTenant(metadata.tenantId), metadata.tenantId, filter);
  }
}
