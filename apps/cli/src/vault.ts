import { openPersonalDataVault, openSecretVault, type MasterKeyOptions, type PersonalDataVault, type SecretVault } from '#keys';
import type { CliStores } from './stores.js';

/** The platform's vault of personal data and secrets, from the same configuration (LEDGERLINE_MASTER_KEY / _FILE, data dir). */
export function withPersonalDataVault<T>(stores: CliStores, work: (vault: PersonalDataVault) => Promise<T>): Promise<T> {
  return withOpened(openPersonalDataVault(stores.settings, masterKeyOf(stores)), work);
}

/** The same vault for secrets (a client secret sealed before it is stored). */
export function withSecretVault<T>(stores: CliStores, work: (vault: SecretVault) => Promise<T>): Promise<T> {
  return withOpened(openSecretVault(stores.settings, masterKeyOf(stores)), work);
}

function masterKeyOf({ config }: CliStores): MasterKeyOptions {
  return { masterKeyBase64: config.LEDGERLINE_MASTER_KEY, masterKeyFile: config.LEDGERLINE_MASTER_KEY_FILE, dataDir: config.LEDGERLINE_DATA_DIR };
}

async function withOpened<V, T>(opening: Promise<{ vault: V; close(): Promise<void> }>, work: (vault: V) => Promise<T>): Promise<T> {
  const { vault, close } = await opening;
  try {
    return await work(vault);
  } finally {
    await close();
  }
}
