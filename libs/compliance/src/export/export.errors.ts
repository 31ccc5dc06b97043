import { IllegalStateError, NotFoundError, ValidationError } from '#core';

export class InvalidExportRangeError extends ValidationError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super('compliance.export.invalid_range', message, details);
  }
}

/** A tenant without a single event: there is nothing to export, and nothing is recorded. */
export class UnknownTenantError extends NotFoundError {
  constructor(tenantId: string) {
    super('compliance.export.unknown_tenant', `tenant ${tenantId} has no events`, { tenantId });
  }
}

export class ViewsUnavailableError extends IllegalStateError {
  constructor(table: string, cause: unknown) {
    super('compliance.export.views_unavailable', `the view table ${table} cannot be read: are the views built in this environment?`, { table }, { cause });
  }
}
