import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { PLATFORM_TENANT } from '#core';
import type { SealedSecret, SecretVault } from '#keys';
import type { SecretStore } from '../store/identity-store.port.js';

const SIGNING_PREFIX = 'signing:';
const COOKIE_NAME = 'cookie-keys:1';
const SEAL_CONTEXT = 'identity-signing-key';
const COOKIE_CONTEXT = 'identity-cookie-keys';
export const SIGNING_ALGORITHM = 'ES256';
/** How long a new key is published before it signs. */
export const PUBLISH_AHEAD_MS = 2 * 60_000;

export interface KeyMaterial {
  /** Private JWKs (with kid, alg, use), newest first: the first signs. */
  privateJwks: JWK[];
  cookieKeys: string[];
}

/**
 * The authorization server's keys, shared by every instance through the identity store and
 * sealed with the platform's data key. A key older than the rotation period makes the next start
 * add a new one (the newest signs); older keys stay published, so tokens they signed keep
 * verifying until they expire. Two instances starting together may both add a key: both are
 * kept and published, which is harmless.
 */
export class SigningKeys {
  constructor(private readonly secrets: SecretStore, private readonly vault: SecretVault, private readonly rotationMs: number) {}

  async load(now = Date.now()): Promise<KeyMaterial> {
    return { privateJwks: await this.signingJwks(now), cookieKeys: await this.cookieKeys(now) };
  }

  /** The private signing keys, the one that signs first (a rotation due adds a key first). */
  async signingJwks(now = Date.now()): Promise<JWK[]> {
    let stored = await this.secrets.list(SIGNING_PREFIX);
    const newest = stored.at(-1);
    if (!newest || now - newest.createdAt >= this.rotationMs) {
      await this.addKey(now);
      stored = await this.secrets.list(SIGNING_PREFIX);
    }
    const live = this.live(stored, now);
    // A new key signs only once every instance has had time to fetch it (they refresh every
    // minute); until then the newest older key signs. The very first key signs at once.
    const published = live.filter((entry) => now - entry.createdAt >= PUBLISH_AHEAD_MS);
    const signer = published.at(-1) ?? live.at(-1)!;
    const ordered = [signer, ...live.filter((entry) => entry !== signer).reverse()];
    return Promise.all(ordered.map((entry) => this.open(entry.value)));
  }

  /** Every live public key in the store (keys other instances added included). */
  async publicKeys(now = Date.now()): Promise<{ keys: JWK[] }> {
    const live = this.live(await this.secrets.list(SIGNING_PREFIX), now);
    return SigningKeys.publicJwks(await Promise.all(live.reverse().map((entry) => this.open(entry.value))));
  }

  /** Published while a token it signed can still be alive: two rotation periods is ample. */
  private live<T extends { createdAt: number }>(stored: T[], now: number): T[] {
    return stored.filter((entry, index) => index === stored.length - 1 || now - entry.createdAt < 2 * this.rotationMs);
  }

  /** The public halves, for the verifier and the JWKS endpoint. */
  static publicJwks(privateJwks: readonly JWK[]): { keys: JWK[] } {
    return { keys: privateJwks.map(({ kty, crv, x, y, n, e, kid, alg, use }) => ({ kty, crv, x, y, n, e, kid, alg, use })).map(dropUndefined) };
  }

  private async addKey(now: number): Promise<void> {
    const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = `${new Date(now).toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const jwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const sealed = await this.vault.seal(PLATFORM_TENANT, JSON.stringify(jwk), SEAL_CONTEXT);
    await this.secrets.putIfAbsent(`${SIGNING_PREFIX}${kid}`, JSON.stringify(sealed), now);
  }

  private async open(value: string): Promise<JWK> {
    return JSON.parse(await this.vault.open(PLATFORM_TENANT, JSON.parse(value) as SealedSecret, SEAL_CONTEXT)) as JWK;
  }

  private async cookieKeys(now: number): Promise<string[]> {
    // Made once, by the first start; later starts only read them.
    const existing = (await this.secrets.list(COOKIE_NAME)).find((entry) => entry.name === COOKIE_NAME)?.value;
    const stored = existing ?? await this.secrets.putIfAbsent(
      COOKIE_NAME,
      JSON.stringify(await this.vault.seal(PLATFORM_TENANT, JSON.stringify([randomBytes(32).toString('base64url')]), COOKIE_CONTEXT)),
      now,
    );
    return JSON.parse(await this.vault.open(PLATFORM_TENANT, JSON.parse(stored) as SealedSecret, COOKIE_CONTEXT)) as string[];
  }
}

function dropUndefined(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([, value]) => value !== undefined)) as JWK;
}
