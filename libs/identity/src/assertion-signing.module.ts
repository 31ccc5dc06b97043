import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ASSERTION_SIGNER, JoseAssertionSigner } from '#connectors';
import { EVENT_STORE_SETTINGS, type EventStoreSettings } from '#event-store';
import { SecretVault } from '#keys';
import type { JWK } from 'jose';
import { SigningKeys } from './provider/signing-keys.js';
import type { IdentityStore } from './store/identity-store.port.js';
import { openIdentityStore } from './store/open-identity-store.js';

const WORKER_IDENTITY_STORE = Symbol('WORKER_IDENTITY_STORE');
const REFRESH_MS = 60_000;

/** The signing key as a worker sees it: loaded from the identity store, then again every minute (keys rotate at an API instance's start). */
class StoredSigningKey {
  private current: JWK | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly keys: SigningKeys) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  jwk(): JWK {
    return this.current!;
  }

  private async refresh(): Promise<void> {
    // The signing keys only: a worker serves no sign-in pages and needs no cookie keys.
    this.current = (await this.keys.signingJwks())[0];
  }
}

/**
 * On-behalf-of assertions in a scale-out worker (it runs the sagas that call connectors, but no
 * authorization server): the same issuer and keys as the API instances, read from the identity
 * store they share.
 */
@Module({})
export class AssertionSigningModule implements OnApplicationShutdown {
  constructor(@Inject(WORKER_IDENTITY_STORE) private readonly store: IdentityStore, private readonly key: StoredSigningKey) {}

  static forRoot(settings: { issuer: string; keyRotationSeconds: number }): DynamicModule {
    return {
      module: AssertionSigningModule,
      global: true,
      providers: [
        { provide: WORKER_IDENTITY_STORE, inject: [EVENT_STORE_SETTINGS], useFactory: (store: EventStoreSettings) => openIdentityStore(store) },
        {
          provide: StoredSigningKey,
          inject: [WORKER_IDENTITY_STORE, SecretVault],
          useFactory: async (store: IdentityStore, vault: SecretVault) => {
            const key = new StoredSigningKey(new SigningKeys(store.secrets, vault, settings.keyRotationSeconds * 1000));
            await key.start();
            return key;
          },
        },
        { provide: ASSERTION_SIGNER, inject: [StoredSigningKey], useFactory: (key: StoredSigningKey) => new JoseAssertionSigner(settings.issuer, () => key.jwk()) },
      ],
      exports: [ASSERTION_SIGNER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.key.stop();
    await this.store.close();
  }
}
