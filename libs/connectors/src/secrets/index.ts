export { loadMasterKey, MasterKey, MASTER_KEY_FILE, type MasterKeyOptions, type MasterKeyOrigin } from './master-key.js';
export { MASTER_KEY_BYTES } from './master-key-file.js';
export type { DataKeyStore, StoredDataKey } from './data-key-store.port.js';
export { SqliteDataKeyStore } from './sqlite-data-key-store.js';
export { PostgresDataKeyStore, type PostgresDataKeyStoreOptions } from './postgres-data-key-store.js';
export { openDataKeyStore, DATA_KEYS_FILE } from './open-data-key-store.js';
export { SecretVault, MAX_SECRET_BYTES, type SecretVaultOptions } from './secret-vault.js';
export type { SealedSecret } from './sealed-secret.js';
export * from './secrets.errors.js';
