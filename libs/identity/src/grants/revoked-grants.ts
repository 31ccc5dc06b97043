import type { LoggerService } from '@nestjs/common';
import { UnauthenticatedError, type GrantStatus, type Principal } from '#auth';
import type { RevocationStore } from '../store/identity-store.port.js';
import { revocationSubject } from './revocation-subjects.js';

const POLL_MS = 250;
const FULL_RELOAD_MS = 30_000;
const BATCH = 1000;

/**
 * The revoked grants and disabled clients, held in memory by every instance and followed from the
 * revocation table every 250 ms (one indexed query per instance, not per request): a revocation
 * made anywhere holds everywhere within a second, and checking a token costs three Set lookups.
 * A full reload every 30 s drops re-enabled clients.
 */
export class RevokedGrants implements GrantStatus {
  private revoked = new Set<string>();
  private lastSeq = 0;
  private lastFullReload = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  /** `logger` hears of a poll that failed (the platform passes Nest's Logger; the CLI never polls). */
  constructor(
    private readonly revocations: RevocationStore,
    private readonly logger: Pick<LoggerService, 'warn'> = console,
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Records a revocation in the table every instance follows, and makes it hold here at once,
   * before the next poll. @returns false when the subject was revoked already.
   */
  async revoke(subject: string, tenantId: string, at = Date.now()): Promise<boolean> {
    const added = await this.revocations.add(subject, tenantId, at);
    this.revoked.add(subject);
    return added;
  }

  assertActive(principal: Principal): void {
    if (principal.grantId !== undefined && this.revoked.has(revocationSubject.grant(principal.grantId))) throw new UnauthenticatedError('the grant was revoked', true);
    if (this.isClientDisabled(principal.clientId) || this.isClientBlockedIn(principal.tenantId, principal.clientId)) throw new UnauthenticatedError('the client was disabled', true);
  }

  isRevoked(subject: string): boolean {
    return this.revoked.has(subject);
  }

  isClientDisabled(clientId: string): boolean {
    return this.revoked.has(revocationSubject.client(clientId));
  }

  isClientBlockedIn(tenantId: string, clientId: string): boolean {
    return this.revoked.has(revocationSubject.clientInTenant(tenantId, clientId));
  }

  poll(): Promise<void> {
    this.polling ??= this.follow().catch((error: unknown) => this.logger.warn(`revocation feed: ${(error as Error).message}`)).finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async follow(): Promise<void> {
    const full = Date.now() - this.lastFullReload >= FULL_RELOAD_MS;
    const target = full ? new Set<string>() : this.revoked;
    let after = full ? 0 : this.lastSeq;
    for (;;) {
      const rows = await this.revocations.since(after, BATCH);
      for (const row of rows) target.add(row.subject);
      if (rows.length > 0) after = rows.at(-1)!.seq;
      if (rows.length < BATCH) break;
    }
    if (full) {
      this.revoked = target;
      this.lastFullReload = Date.now();
    }
    this.lastSeq = after;
  }
}
