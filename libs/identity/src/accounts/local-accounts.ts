import { ConflictError, NotFoundError, ValidationError } from '#core';
import type { AccountStore } from '../store/identity-store.port.js';
import { decoyHash, hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './password-hash.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
/** Failures before an account is locked; each further failure doubles the lock, up to the ceiling. */
const FREE_FAILURES = 5;
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

export type SignInOutcome =
  | { ok: true }
  | { ok: false; reason: 'unknown_account' | 'wrong_password' | 'disabled' | 'locked'; retryAfterSeconds?: number };

/** Local accounts of the embedded default: scrypt hashes, lock-out with doubling delays after repeated failures (shared by every instance through the store). */
export class LocalAccounts {
  constructor(private readonly accounts: AccountStore, private readonly clock: () => number = Date.now) {}

  static checkUsername(username: string): void {
    if (!USERNAME.test(username)) throw new ValidationError('identity.account.invalid_username', 'username: 1-128 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit');
  }

  static checkPassword(password: string): void {
    if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      throw new ValidationError('identity.account.weak_password', `password: ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
    }
  }

  async add(tenantId: string, username: string, password: string): Promise<void> {
    LocalAccounts.checkUsername(username);
    LocalAccounts.checkPassword(password);
    const added = await this.accounts.add({ tenantId, username, passwordHash: await hashPassword(password), createdAt: this.clock() });
    if (!added) throw new ConflictError('identity.account.exists', `tenant ${tenantId} has an account ${username} already`);
  }

  async setDisabled(tenantId: string, username: string, disabled: boolean): Promise<void> {
    if (!(await this.accounts.setDisabled(tenantId, username, disabled))) throw new NotFoundError('identity.account.not_found', `tenant ${tenantId} has no account ${username}`);
  }

  async setPassword(tenantId: string, username: string, password: string): Promise<void> {
    LocalAccounts.checkPassword(password);
    if (!(await this.accounts.setPasswordHash(tenantId, username, await hashPassword(password)))) {
      throw new NotFoundError('identity.account.not_found', `tenant ${tenantId} has no account ${username}`);
    }
  }

  list(tenantId: string) {
    return this.accounts.list(tenantId);
  }

  async signIn(tenantId: string, username: string, password: string): Promise<SignInOutcome> {
    const account = USERNAME.test(username) && password.length <= MAX_PASSWORD_LENGTH ? await this.accounts.get(tenantId, username) : undefined;
    if (!account) {
      await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), await decoyHash());
      return { ok: false, reason: 'unknown_account' };
    }
    const now = this.clock();
    if (account.lockedUntil > now) return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((account.lockedUntil - now) / 1000) };
    const matches = await verifyPassword(password, account.passwordHash);
    if (!matches) {
      const failures = account.failedAttempts + 1;
      const lockMs = failures < FREE_FAILURES ? 0 : Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - FREE_FAILURES));
      await this.accounts.recordFailure(tenantId, username, lockMs === 0 ? 0 : now + lockMs);
      return { ok: false, reason: 'wrong_password' };
    }
    if (account.disabled) return { ok: false, reason: 'disabled' };
    if (account.failedAttempts > 0) await this.accounts.recordSuccess(tenantId, username);
    return { ok: true };
  }
}
