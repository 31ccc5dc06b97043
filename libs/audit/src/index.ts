export { auditEntriesProjection } from './projections/audit-entries.projection.js';
export { parseAuditFilter, auditFilterInput, MAX_AUDIT_PAGE, type AuditFilter, type AuditFilterInput } from './queries/query-audit/audit-filter.js';
export { queryAuditEntries } from './queries/query-audit/query-audit-entries.js';
export type { AuditEntry, QueryAuditResult } from './queries/query-audit/query-audit.query.js';
