import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '#core';

/** Never carries the key or the value: only where it came from and why it was refused. */
export class MasterKeyInvalidError extends ValidationError {
  constructor(source: 'base64' | 'file' | 'bytes', reason: string, path?: string) {
    const where = source === 'file' ? `the master key file ${path}` : source === 'base64' ? 'the configured master key (base64)' : 'the master key';
    super('secrets.master_key_invalid', `${where} is unusable: ${reason}`, path === undefined ? { source } : { source, path });
  }
}

export class MasterKeyMismatchError extends IllegalStateError {
  constructor(tenantId: string, keyId: string, wrappedWith: string, configured: string) {
    super(
      'secrets.master_key_mismatch',
      `data key ${keyId} of tenant ${tenantId} was wrapped by master key ${wrappedWith}, but this process has master key ${configured}: configure the original master key`,
      { tenantId, keyId, wrappedWith, configured },
    );
  }
}

export class DataKeyDestroyedError extends IllegalStateError {
  constructor(tenantId: string, keyId: string) {
    super('secrets.key_destroyed', `data key ${keyId} of tenant ${tenantId} was destroyed: what it sealed is gone for good`, { tenantId, keyId });
  }
}

export class DataKeyUnknownError extends NotFoundError {
  constructor(tenantId: string, keyId: string) {
    super('secrets.key_unknown', `tenant ${tenantId} has no data key ${keyId}`, { tenantId, keyId });
  }
}

/** Thrown by DataKeyStore.insert when the tenant already has a key with that id (a lost creation race). */
export class DataKeyExistsError extends ConflictError {
  constructor(tenantId: string, keyId: string) {
    super('secrets.data_key_exists', `tenant ${tenantId} already has a data key ${keyId}`, { tenantId, keyId });
  }
}

/** Tampered, malformed, or sealed for another tenant or context: GCM authentication failed. */
export class SecretUnreadableError extends IllegalStateError {
  constructor(tenantId: string, reason: string) {
    super('secrets.unreadable', `the sealed secret cannot be opened for tenant ${tenantId} in this context: ${reason}`, { tenantId, reason });
  }
}

export class InvalidSecretError extends ValidationError {}
