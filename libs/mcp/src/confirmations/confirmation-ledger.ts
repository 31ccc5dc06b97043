import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata, JsonValue } from '#core';
import { canonicalJson, EVENT_STORE, eventMetadataOf, loadStream, WrongExpectedVersionError, type EventStore, type NewEvent, type StreamFold } from '#event-store';
import { CONFIRMATION_USED, TOOL_CALL_CONFIRMED, type ConfirmationUsedData, type ToolCallConfirmedData } from './confirmation.events.js';

/** A confirmation stream as a call sees it: its version (the round) and the confirmation waiting to be used, if any. */
export interface ConfirmationRound {
  version: number;
  /** Given and not yet used: expires then (epoch ms). */
  pendingUntil: number | null;
}

/**
 * The confirmations of sensitive calls, one stream per caller + tool + exact arguments. Appends go
 * with the expected version they read, so a confirmation is used once whoever races for it, and a
 * link made for an earlier round confirms nothing.
 */
@Injectable()
export class ConfirmationLedger {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** What binds a confirmation to its call: tenant, user, client, tool, canonical arguments. */
  digestOf(metadata: CommandMetadata, tool: string, input: unknown): string {
    const call = canonicalJson({ tenant: metadata.tenantId, user: metadata.userId, client: metadata.clientId, tool, arguments: (input ?? {}) as JsonValue });
    return createHash('sha256').update(call).digest('hex').slice(0, 48);
  }

  async round(tenantId: string, digest: string): Promise<ConfirmationRound> {
    const { state, version } = await loadStream(this.store, tenantId, streamOf(digest), confirmationFold);
    return { version, pendingUntil: state.pendingUntil };
  }

  /** The person's confirmation, for the round it was asked in. False: the round has moved on (confirmed or used since). */
  async confirm(metadata: CommandMetadata, digest: string, round: number, data: ToolCallConfirmedData, useNow: boolean): Promise<boolean> {
    const events: NewEvent[] = [{ type: TOOL_CALL_CONFIRMED, data, metadata: this.metadataOf(metadata, data.tool) }];
    if (useNow) events.push({ type: CONFIRMATION_USED, data: { tool: data.tool } satisfies ConfirmationUsedData, metadata: this.metadataOf(metadata, data.tool) });
    return this.appendAt(metadata.tenantId, digest, round, events);
  }

  /** Uses the confirmation given in this round. False: someone used it first. */
  use(metadata: CommandMetadata, digest: string, round: number, tool: string): Promise<boolean> {
    return this.appendAt(metadata.tenantId, digest, round, [{ type: CONFIRMATION_USED, data: { tool } satisfies ConfirmationUsedData, metadata: this.metadataOf(metadata, tool) }]);
  }

  private async appendAt(tenantId: string, digest: string, round: number, events: NewEvent[]): Promise<boolean> {
    try {
      await this.store.append(tenantId, streamOf(digest), round === 0 ? 'no-stream' : round, events);
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
  }

  /** Who confirmed or used it, through which client and for which tool; not the call's idempotency key (that is the call's own). */
  private metadataOf(metadata: CommandMetadata, tool: string): NewEvent['metadata'] {
    const { idempotencyKey: _key, ...rest } = eventMetadataOf({ ...metadata, tool });
    return rest;
  }
}

/** A confirmation stream folded: the confirmation given last and not used since, if any (its expiry). */
const confirmationFold: StreamFold<{ pendingUntil: number | null }, { type: string; data: unknown }> = {
  initialState: () => ({ pendingUntil: null }),
  evolve: (_state, event) => ({ pendingUntil: event.type === TOOL_CALL_CONFIRMED ? (event.data as ToolCallConfirmedData).expiresAt : null }),
  copy: (state) => ({ ...state }),
};

function streamOf(digest: string): string {
  return `confirmation-${digest}`;
}
