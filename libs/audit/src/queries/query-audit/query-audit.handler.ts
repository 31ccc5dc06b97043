import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProjectorRegistry, VIEW_DB, type Projector, type ViewDb } from '#projections';
import { AUDIT_ENTRIES_TABLE, auditEntriesProjection } from '../../projections/audit-entries.projection.js';
import { QueryAuditQuery, type AuditEntry, type QueryAuditResult } from './query-audit.query.js';

interface AuditRow {
  position: number | string;
  recorded_at: string;
  event_type: string;
  stream_id: string;
  user_id: string | null;
  client_id: string | null;
  tool: string | null;
  scopes: string | null;
  correlation_id: string | null;
}

/** The caller's tenant trail, newest first, from the audit_entries view (tenant from the token only). */
@QueryHandler(QueryAuditQuery)
export class QueryAuditHandler implements IQueryHandler<QueryAuditQuery> {
  private readonly projector: Projector;

  constructor(registry: ProjectorRegistry, @Inject(VIEW_DB) private readonly db: ViewDb) {
    this.projector = registry.register(auditEntriesProjection);
  }

  async execute({ metadata, filter }: QueryAuditQuery): Promise<QueryAuditResult> {
    await this.projector.caughtUpWith(metadata.tenantId);
    const conditions = ['tenant_id = ?'];
    const params: unknown[] = [metadata.tenantId];
    const add = (condition: string, value: unknown): void => {
      conditions.push(condition);
      params.push(value);
    };
    if (filter.userId !== undefined) add('user_id = ?', filter.userId);
    if (filter.tool !== undefined) add('tool = ?', filter.tool);
    if (filter.from !== undefined) add('recorded_at >= ?', filter.from);
    if (filter.to !== undefined) add('recorded_at <= ?', filter.to);
    if (filter.before !== undefined) add('position < ?', filter.before);
    const rows = await this.db.forTenant(metadata.tenantId).all<AuditRow>(
      `SELECT position, recorded_at, event_type, stream_id, user_id, client_id, tool, scopes, correlation_id FROM ${AUDIT_ENTRIES_TABLE}
       WHERE ${conditions.join(' AND ')} ORDER BY position DESC LIMIT ?`,
      [...params, filter.limit + 1],
    );
    const entries = rows.slice(0, filter.limit).map(toEntry);
    return { entries, nextCursor: rows.length > filter.limit ? entries[entries.length - 1]!.position : null };
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    position: Number(row.position),
    recordedAt: row.recorded_at,
    type: row.event_type,
    streamId: row.stream_id,
    userId: row.user_id,
    clientId: row.client_id,
    tool: row.tool,
    scopes: row.scopes ? row.scopes.split(' ') : [],
    correlationId: row.correlation_id,
  };
}
