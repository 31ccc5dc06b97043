import { ConflictError, ValidationError } from '#core';

export class TenantExistsError extends ConflictError {
  constructor(tenantId: string) {
    super('tenant.exists', `tenant ${tenantId} already exists`, { tenantId });
  }
}

export class ReservedTenantIdError extends ValidationError {
  constructor(tenantId: string) {
    super('tenant.reserved_id', `tenant id ${tenantId} is reserved`, { tenantId });
  }
}
