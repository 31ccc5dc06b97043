import { openPersonalDataVault, type PersonalDataVault } from '#keys';
import type { CliIo } from './cli-io.js';
import type { CliStores } from './stores.js';

/** The platform's vault of personal data and secrets, from the same configuration (LEDGERLINE_MASTER_KEY / _FILE, data dir). */
export async function withPersonalDataVault<T>(io: CliIo, stores: CliStores, work: (vault: PersonalDataVault) => Promise<T>): Promise<T> {
  const { vault, close } = await openPersonalDataVault(stores.settings, {
    masterKeyBase64: io.env.LEDGERLINE_MASTER_KEY?.trim() || undefined,
    masterKeyFile: io.env.LEDGERLINE_MASTER_KEY_FILE?.trim() || undefined,
    dataDir: stores.dataDir,
  });
  try {
    return await work(vault);
  } finally {
    await close();
  }
}
