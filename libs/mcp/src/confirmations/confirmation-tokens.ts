import { Injectable } from '@nestjs/common';
import { SecretVault, type SealedSecret } from '#keys';
import { InvalidConfirmationError } from './confirmation.errors.js';

const CONTEXT = 'mcp-confirmation';

/** What a confirmation round carries through the client (requestState) or the person's browser (the page's link). */
export interface ConfirmationClaim {
  tenantId: string;
  userId: string;
  clientId: string;
  tool: string;
  /** Binds the caller, the tool and the exact arguments (ConfirmationLedger.digestOf). */
  digest: string;
  /** What the person is asked to confirm, in words (never the secrets in the arguments). */
  summary: string;
  /** The confirmation stream's version when the round began: a confirmation answers that round only. */
  round: number;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Confirmation tokens, sealed with the tenant's data key (AES-GCM: the client and the browser can
 * neither read nor alter them; every instance opens them; a purged tenant's no longer open).
 */
@Injectable()
export class ConfirmationTokens {
  constructor(private readonly vault: SecretVault) {}

  async seal(claim: ConfirmationClaim): Promise<string> {
    const sealed = await this.vault.seal(claim.tenantId, JSON.stringify(claim), CONTEXT);
    return Buffer.from(JSON.stringify({ t: claim.tenantId, s: sealed })).toString('base64url');
  }

  /** The claim of a token this platform sealed. @throws InvalidConfirmationError for anything else. */
  async open(token: string): Promise<ConfirmationClaim> {
    try {
      if (token.length > 4096) throw new InvalidConfirmationError();
      const { t, s } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { t?: unknown; s?: unknown };
      if (typeof t !== 'string') throw new InvalidConfirmationError();
      const claim = JSON.parse(await this.vault.open(t, s as SealedSecret, CONTEXT)) as ConfirmationClaim;
      if (claim.tenantId !== t) throw new InvalidConfirmationError();
      return claim;
    } catch {
      throw new InvalidConfirmationError();
    }
  }
}
