import { openPersonalDataVault, type PersonalDataVault } from '#keys';

/** The platform's vault, opened beside it from its data directory (and database): tests open sealed values with it. */
export function openVaultOf(dataDir: string, databaseUrl: string | undefined): Promise<{ vault: PersonalDataVault; close(): Promise<void> }> {
  return openPersonalDataVault(databaseUrl ? { kind: 'postgres', connectionString: databaseUrl } : { kind: 'sqlite', dataDir }, { dataDir });
}
