import type { EventStoreSettings } from '#event-store';
import { loadMasterKey, type MasterKeyOptions } from '../master-key.js';
import { openDataKeyStore } from '../open-data-key-store.js';
import { SecretVault } from '../secret-vault.js';
import { PersonalDataVault } from './personal-data-vault.js';

/**
 * The platform's vault outside the platform (the CLI, tests, benchmarks): the same master key
 * options and data key store as KeysModule. Close it to release the key store.
 */
export async function openPersonalDataVault(settings: EventStoreSettings, masterKey: MasterKeyOptions): Promise<{ vault: PersonalDataVault; close(): Promise<void> }> {
  const { vault, close } = await openSecretVault(settings, masterKey);
  return { vault: new PersonalDataVault(vault), close };
}

/** The secret vault beneath it, for secrets rather than personal data (the CLI sealing a client secret). */
export async function openSecretVault(settings: EventStoreSettings, masterKey: MasterKeyOptions): Promise<{ vault: SecretVault; close(): Promise<void> }> {
  const key = loadMasterKey(masterKey);
  const keys = await openDataKeyStore(settings);
  return { vault: new SecretVault(key, keys), close: () => keys.close() };
}
