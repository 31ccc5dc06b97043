import { NotFoundError, ValidationError } from '#core';

export class MemoryItemNotFoundError extends NotFoundError {
  constructor(namespace: string, key: string) {
    super('memory.not_found', `no memory item ${key} in namespace ${namespace}`, { namespace, key });
  }
}

export class MemoryValueTooLargeError extends ValidationError {
  constructor(bytes: number, limit: number) {
    super('memory.value_too_large', `the value is ${bytes} bytes as JSON, more than the limit of ${limit}`, { bytes, limit });
  }
}

export class MemoryNamespaceFullError extends ValidationError {
  constructor(namespace: string, limit: number) {
    super('memory.namespace_full', `namespace ${namespace} already holds ${limit} items`, { namespace, limit });
  }
}
