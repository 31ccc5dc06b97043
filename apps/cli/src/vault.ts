import { openPersonalDataVault, type PersonalDataVault } from '#keys';
import type { CliStores } from './stores.js';

/** The platform's vault of personal data and secrets, from the same configuration (LEDGERLINE_MASTER_KEY / _FILE, data dir). */
export async function withPersonalDataVault<T>(stores: CliStores, work: (vault: PersonalDataVault) => Promise<T>): Promise<T> {
  const { config } = stores;
  const { vault, close } = await openPersonalDataVault(stores.settings, {
    masterKeyBase64: config.LEDGERLINE_MASTER_KEY,
    masterKeyFile: config.LEDGERLINE_MASTER_KEY_FILE,
    dataDir: config.LEDGERLINE_DATA_DIR,
  });
  try {
    return await work(vault);
  } finally {
    await close();
  }
}
