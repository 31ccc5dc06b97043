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

export class InvalidTenantIdError extends ValidationError {
  constructor(tenantId: string) {
    super('tenant.invalid_id', 'a tenant id is 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit', { tenantId });
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
