// Ops and compliance: verifiable per-tenant export, offline verification, purge and retention.
export * from './export/export-format.js';
export { EVENT_DATA_OPENER, storedDataOnly, type EventDataOpener } from './export/event-data-opener.port.js';
export { COMPLIANCE_EXPORT_SCOPE, newExportStreamId, type ExportCompleted, type ExportEvent, type ExportRequested } from './export/export.events.js';
export { InvalidExportRangeError, UnknownTenantError, ViewsUnavailableError } from './export/export.errors.js';
export { parseExportRange } from './export/export-range.js';
export { ComplianceExporter, type ExportRequest, type ExportRequester, type PreparedExport } from './export/compliance-exporter.js';
export type { ExportSummary } from './export/write-export.js';
export { verifyExport, type VerifyExportResult } from './export/verify-export.js';
export { EXPORT_SIGNING_KEY, EXPORT_SIGNING_KEY_ENV, EXPORT_SIGNING_KEY_FILE, ExportSigningKey, exportSigningKeySourceFromEnv, type ExportSigner, type ExportSigningKeySource } from './signing/export-signing-key.js';
export { jwkThumbprint, type ExportJwks, type ExportPublicJwk } from './signing/ed25519-jwk.js';
export { SigningKeyError } from './signing/signing.errors.js';
export { TrustedKeys } from './signing/trusted-keys.js';
export { ComplianceModule, type ComplianceModuleOptions } from './compliance.module.js';
export { ComplianceHttpModule } from './http/compliance-http.module.js';
export { EXPORT_KEYS_PATH } from './http/export-keys.controller.js';
export { exportFileName } from './http/export-file-name.js';
