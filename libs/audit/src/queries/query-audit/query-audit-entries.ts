import type { ViewSql } from '#projections';
import { AUDIT_ENTRIES_TABLE } from '../../projections/audit-entries.projection.js';
import { encodeAuditCursor, type AuditFilter } from './audit-filter.js';
import type { AuditEntry, QueryAuditResult } from './query-audit.query.js';

interface AuditRow {
  position: number | string;
  recorded_at: string;
  event_type: string;
  stream_id: string;
  stream_version: number | string;
  user_id: string | null;
  client_id: string | null;
  tool: string | null;
  scopes: string | null;
  correlation_id: string | null;
  connector: string | null;
  automation: string | null;
  run_id: string | null;
}

const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, '\\$&');

/**
 * One page of a tenant's audit trail, keyset-paged on position. `db` must be bound to the tenant
 * (ViewDb.forTenant) and `tenantId` must come from the caller's token, never from arguments.
 */
export async function queryAuditEntries(db: ViewSql, tenantId: string, filter: AuditFilter): Promise<QueryAuditResult> {
  const conditions = ['tenant_id = ?'];
  const params: unknown[] = [tenantId];
  const add = (condition: string, value: unknown): void => {
    conditions.push(condition);
    params.push(value);
  };
  if (filter.userId !== undefined) add('user_id = ?', filter.userId);
  if (filter.tool !== undefined) add('tool = ?', filter.tool);
  if (filter.type !== undefined) {
    if ('exact' in filter.type) add('event_type = ?', filter.type.exact);
    else add(`event_type LIKE ? ESCAPE '\\'`, `${likeLiteral(filter.type.prefix)}%`);
  }
  // Scopes are stored space-separated and scope tokens hold no space.
  if (filter.scope !== undefined) add(`(' ' || scopes || ' ') LIKE ? ESCAPE '\\'`, `% ${likeLiteral(filter.scope)} %`);
  if (filter.connector !== undefined) add('connector = ?', filter.connector);
  if (filter.automation !== undefined) add('automation = ?', filter.automation);
  if (filter.streamId !== undefined) add('stream_id = ?', filter.streamId);
  if (filter.from !== undefined) add('recorded_at >= ?', filter.from);
  if (filter.to !== undefined) add('recorded_at < ?', filter.to);
  if (filter.after !== undefined) add(filter.order === 'desc' ? 'position < ?' : 'position > ?', filter.after);
  const rows = await db.all<AuditRow>(
    `SELECT position, recorded_at, event_type, stream_id, stream_version, user_id, client_id, tool, scopes, correlation_id, connector, automation, run_id
     FROM ${AUDIT_ENTRIES_TABLE} WHERE ${conditions.join(' AND ')} ORDER BY position ${filter.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ?`,
    [...params, filter.limit + 1],
  );
  const entries = rows.slice(0, filter.limit).map(toEntry);
  const last = entries[entries.length - 1];
  return { entries, nextCursor: rows.length > filter.limit && last ? encodeAuditCursor(last.position, filter.order) : null };
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    position: Number(row.position),
    recordedAt: row.recorded_at,
    type: row.event_type,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    userId: row.user_id,
    clientId: row.client_id,
    tool: row.tool,
    scopes: row.scopes ? row.scopes.split(' ') : [],
    correlationId: row.correlation_id,
    connector: row.connector,
    automation: row.automation,
    runId: row.run_id,
  };
}
