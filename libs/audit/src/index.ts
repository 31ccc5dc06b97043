export * from './audit.module.js';
export { auditEntriesProjection } from './projections/audit-entries.projection.js';
