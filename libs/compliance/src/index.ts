// Ops and compliance: verifiable per-tenant export, offline verification, purge and retention.
export * from './purge/purge.events.js';
export * from './purge/purge-personal-data.js';
export { InvalidPurgeError } from './purge/purge.errors.js';
export { COMPLIANCE_PURGE_SCOPE } from './purge/http/purges.controller.js';
export { PurgeModule, PurgeHttpModule } from './purge/purge.module.js';
