import { loadMasterKey, openDataKeyStore, PersonalDataVault, SecretVault } from '#keys';

/** The platform's vault, opened beside it from its data directory (and database): tests open sealed values with it. */
export async function openVaultOf(dataDir: string, databaseUrl: string | undefined): Promise<{ vault: PersonalDataVault; close(): Promise<void> }> {
  const keys = await openDataKeyStore(databaseUrl ? { kind: 'postgres', connectionString: databaseUrl } : { kind: 'sqlite', dataDir });
  return { vault: new PersonalDataVault(new SecretVault(loadMasterKey({ dataDir }), keys)), close: () => keys.close() };
}
