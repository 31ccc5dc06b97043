/**
 * What the authorization server keeps outside the event log: the protocol's short-lived artifacts
 * (codes, refresh tokens, sessions, interactions, registered clients, grants), its own secrets
 * (signing and cookie keys, sealed), local accounts' password hashes, the revocation feed every
 * instance follows, and when each grant was last used. SQLite in the embedded default, the events' PostgreSQL database in scale-out,
 * so any instance serves any step of a flow.
 */
export interface IdentityStore {
  /** oidc-provider's adapter operations, by model name ('Session', 'RefreshToken', 'Client', ...). */
  readonly artifacts: ArtifactStore;
  readonly secrets: SecretStore;
  readonly accounts: AccountStore;
  readonly revocations: RevocationStore;
  readonly grantUsage: GrantUsageStore;
  close(): Promise<void>;
}

export interface StoredArtifact {
  payload: Record<string, unknown>;
  consumed: boolean;
}

export interface ArtifactStore {
  upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | undefined): Promise<void>;
  /** Undefined when absent or expired. */
  find(model: string, id: string): Promise<StoredArtifact | undefined>;
  findByUid(model: string, uid: string): Promise<StoredArtifact | undefined>;
  findByUserCode(model: string, userCode: string): Promise<StoredArtifact | undefined>;
  consume(model: string, id: string): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(model: string, grantId: string): Promise<void>;
  /** Live artifacts of a model, newest first, a page at a time: grants and clients for listing delegations. */
  listByModel(model: string, filter: ArtifactFilter): Promise<ListedArtifact[]>;
  /** Deletes expired rows; returns how many. */
  prune(now: number): Promise<number>;
}

/** Which artifacts of a model to list; every field narrows. */
export interface ArtifactFilter {
  /** The owner begins with this: `<tenant>:` is everything of a tenant (tenant ids hold no ':'). */
  accountPrefix?: string;
  /** The owner is exactly this: `<tenant>:<user>` for one person's grants. */
  account?: string;
  /** The payload's `clientId` (a grant's client). */
  clientId?: string;
  limit: number;
  /** Keyset paging: only rows listed after this one (older, or as old with a smaller id). */
  after?: ArtifactPosition;
}

/** Where a row stands in the newest-first order: what a cursor carries. */
export interface ArtifactPosition {
  createdAt: number;
  id: string;
}

export interface ListedArtifact extends ArtifactPosition {
  payload: Record<string, unknown>;
}

export interface SecretStore {
  /** Inserts unless the name exists; returns the stored value either way (the first writer wins). */
  putIfAbsent(name: string, value: string, createdAt: number): Promise<string>;
  list(prefix: string): Promise<Array<{ name: string; value: string; createdAt: number }>>;
}

export interface StoredAccount {
  tenantId: string;
  username: string;
  passwordHash: string;
  disabled: boolean;
  failedAttempts: number;
  /** Epoch ms until which sign-in is refused after repeated failures; 0 when not locked. */
  lockedUntil: number;
  createdAt: number;
}

export interface AccountStore {
  /** @returns false when the account exists already. */
  add(account: Pick<StoredAccount, 'tenantId' | 'username' | 'passwordHash' | 'createdAt'>): Promise<boolean>;
  get(tenantId: string, username: string): Promise<StoredAccount | undefined>;
  list(tenantId: string): Promise<StoredAccount[]>;
  /** Every tenant's accounts, disabled ones included. */
  count(): Promise<number>;
  /** @returns false when no such account. */
  setDisabled(tenantId: string, username: string, disabled: boolean): Promise<boolean>;
  setPasswordHash(tenantId: string, username: string, passwordHash: string): Promise<boolean>;
  recordFailure(tenantId: string, username: string, lockedUntil: number): Promise<void>;
  recordSuccess(tenantId: string, username: string): Promise<void>;
}

/** `subject`: see grants/revocation-subjects.ts. */
export interface Revocation {
  seq: number;
  subject: string;
  tenantId: string;
  revokedAt: number;
}

export interface RevocationStore {
  /** Idempotent: a subject revoked twice keeps its first row. @returns whether this call added it. */
  add(subject: string, tenantId: string, revokedAt: number): Promise<boolean>;
  remove(subject: string): Promise<void>;
  /** Rows with seq above `afterSeq`, in seq order (the feed each instance follows). */
  since(afterSeq: number, limit: number): Promise<Revocation[]>;
}

/** When a grant's token was last accepted (epoch ms), as one instance noted it. */
export interface GrantUse {
  grantId: string;
  tenantId: string;
  lastUsedAt: number;
}

export interface GrantUsageStore {
  /** One statement for the whole batch (grant ids unique); a stored row keeps the later time. */
  record(uses: readonly GrantUse[]): Promise<void>;
  /** The stored times of those of the grants that are the tenant's and were used. */
  lastUsed(tenantId: string, grantIds: readonly string[]): Promise<Map<string, number>>;
}
