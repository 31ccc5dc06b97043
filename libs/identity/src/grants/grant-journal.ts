import type { EventStore, EventMetadata } from '#event-store';
import { PLATFORM_TENANT } from '#core';
import { clientStreamId, grantStreamId, signInStreamId, type GrantEvent } from './grant.events.js';

export interface JournalContext {
  tenantId: string;
  userId?: string;
  clientId?: string;
  grantId?: string;
  /** What did it, in the audit trail's tool column: 'oauth:consent', 'oauth:token', 'grant_revoke', ... */
  tool: string;
  correlationId?: string;
}

/** Appends the delegation events; stream choice is by event type (see grant.events.ts). */
export class GrantJournal {
  constructor(private readonly store: EventStore) {}

  async record(context: JournalContext, event: GrantEvent): Promise<void> {
    const metadata: EventMetadata = {
      ...(context.userId !== undefined && { userId: context.userId }),
      ...(context.clientId !== undefined && { clientId: context.clientId }),
      ...(context.grantId !== undefined && { grantId: context.grantId }),
      tool: context.tool,
      ...(context.correlationId !== undefined && { correlationId: context.correlationId }),
    };
    await this.store.append(context.tenantId, streamOf(event), 'any', [{ type: event.type, data: event.data, metadata }]);
  }

  /** Clients anyone may use (registered dynamically or by metadata document) belong to no tenant: their trail is the platform's. */
  recordPlatform(context: Omit<JournalContext, 'tenantId'>, event: GrantEvent): Promise<void> {
    return this.record({ ...context, tenantId: PLATFORM_TENANT }, event);
  }
}

function streamOf(event: GrantEvent): string {
  switch (event.type) {
    case 'ClientRegistered':
    case 'ClientDisabled':
      return clientStreamId(event.data.clientId);
    case 'SignInSucceeded':
    case 'SignInFailed':
      return signInStreamId(event.data.userId);
    case 'GrantIssued':
    case 'GrantRefreshed':
    case 'GrantRevoked':
    case 'RefreshTokenReused':
      return grantStreamId(event.data.grantId);
  }
}
