// The audit trail's Nest side: its modules (the audit_query tool and the REST API).
export * from './audit.module.js';
export * from './audit-http.module.js';
