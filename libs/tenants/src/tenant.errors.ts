import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#core';

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

export class InvalidTenantNameError extends ValidationError {
  constructor() {
    super('tenant.invalid_name', 'a tenant name is 1-200 characters, not all blank');
  }
}

export class TenantNotFoundError extends NotFoundError {
  constructor(tenantId: string) {
    super('tenant.not_found', `tenant ${tenantId} is not registered`, { tenantId });
  }
}

export class TenantAlreadySuspendedError extends ConflictError {
  constructor(tenantId: string) {
    super('tenant.already_suspended', `tenant ${tenantId} is already suspended`, { tenantId });
  }
}

export class TenantNotSuspendedError extends ConflictError {
  constructor(tenantId: string) {
    super('tenant.not_suspended', `tenant ${tenantId} is not suspended`, { tenantId });
  }
}

export class InvalidSuspensionReasonError extends ValidationError {
  constructor() {
    super('tenant.invalid_reason', 'a suspension reason is 1-500 characters');
  }
}

/** A verified caller whose tenant an operator suspended: every call is refused until it is resumed. */
export class TenantSuspendedError extends ForbiddenError {
  static readonly code = 'tenant.suspended';

  constructor(tenantId: string) {
    super(TenantSuspendedError.code, `tenant ${tenantId} is suspended: its tokens are refused until an operator resumes it`, { tenantId });
  }
}
