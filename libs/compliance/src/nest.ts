// Compliance's Nest side: the modules, the export, purge and retention controllers, the archive sweeper.
export { PurgeModule, PurgeHttpModule } from './purge/purge.module.js';
export { ComplianceModule, type ComplianceModuleOptions } from './compliance.module.js';
export { ComplianceHttpModule } from './http/compliance-http.module.js';
export { EVENT_RETENTION_PATH } from './retention/http/event-retention.controller.js';
export { RetentionHttpModule, RetentionModule } from './retention/retention.module.js';
export { EventArchiveSweeper, type EventArchiveSettings } from './retention/archive/event-archive-sweeper.js';
