import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE_SETTINGS, type EventStoreSettings } from '#event-store';
import type { DataKeyStore } from './data-key-store.port.js';
import { loadMasterKey } from './master-key.js';
import { openDataKeyStore } from './open-data-key-store.js';
import { PersonalDataVault } from './personal/personal-data-vault.js';
import { SecretVault } from './secret-vault.js';

export interface KeysSettings {
  /** Base64 of 32 bytes; wins over the file. */
  masterKeyBase64?: string;
  masterKeyFile?: string;
  /** Where the embedded default generates its master key when none is configured. */
  dataDir: string;
}

export const DATA_KEY_STORE = Symbol('DATA_KEY_STORE');

/** Envelope encryption for the whole process: the master key, the tenants' data keys, the vaults of secrets and personal data. */
@Module({})
export class KeysModule implements OnApplicationShutdown {
  constructor(@Inject(DATA_KEY_STORE) private readonly keys: DataKeyStore) {}

  static forRoot(settings: KeysSettings): DynamicModule {
    return {
      module: KeysModule,
      global: true,
      providers: [
        { provide: DATA_KEY_STORE, inject: [EVENT_STORE_SETTINGS], useFactory: (store: EventStoreSettings) => openDataKeyStore(store) },
        { provide: SecretVault, inject: [DATA_KEY_STORE], useFactory: (keys: DataKeyStore) => new SecretVault(loadMasterKey(settings), keys) },
        { provide: PersonalDataVault, inject: [SecretVault], useFactory: (vault: SecretVault) => new PersonalDataVault(vault) },
      ],
      exports: [DATA_KEY_STORE, SecretVault, PersonalDataVault],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.keys.close();
  }
}
