import { ConflictError, ValidationError } from '#core';
import type { ExpectedVersion, StreamId, TenantId } from './event-store.port.js';

export class WrongExpectedVersionError extends ConflictError {
  constructor(tenantId: TenantId, streamId: StreamId, expected: ExpectedVersion, actual: number) {
    super('stream.wrong_expected_version', `stream ${streamId} is at version ${actual}, expected ${String(expected)}`, {
      tenantId,
      streamId,
      expected,
      actual,
    });
  }
}

export class IdempotencyKeyReusedError extends ConflictError {
  constructor(tenantId: TenantId, idempotencyKey: string) {
    super('append.idempotency_key_reused', `idempotency key ${idempotencyKey} was already used for a different append`, {
      tenantId,
      idempotencyKey,
    });
  }
}

export class InvalidAppendError extends ValidationError {}

export class EventTooLargeError extends ValidationError {
  constructor(index: number, bytes: number, limit: number) {
    super('append.event_too_large', `event ${index} is ${bytes} bytes, more than the limit of ${limit}`, { index, bytes, limit });
  }
}
