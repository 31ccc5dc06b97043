import { createHash } from 'node:crypto';
import type { CommandMetadata, Decider, DomainEvent, JsonValue } from '#core';
import { IdempotencyKeyReusedError, WrongExpectedVersionError } from './event-store.errors.js';
import type { AppendResult, EventMetadata, EventStore, StreamId } from './event-store.port.js';
import { canonicalJson } from './hash-chain.js';
import { loadStream } from './load-stream.js';
import { StreamStateCache } from './stream-state-cache.js';

export interface CommandOutcome<State> {
  /** The append, or undefined when the decider decided nothing needed to change. */
  append: AppendResult | undefined;
  /** The state after the command (for a replayed idempotent command: the state now). */
  state: State;
}

/** How often a command is decided again when another writer appended to its stream in between. */
const CONFLICT_ATTEMPTS = 8;

/**
 * The one way commands change state: load the stream, fold it, decide, append with the version
 * that was read and the caller's metadata. When another writer appended to the stream meanwhile
 * (optimistic concurrency), the command is decided again on the new state, a few times: callers
 * never state an expected version, so a conflict is ours to resolve, not theirs (found by the
 * load test: concurrent memory_put calls on one namespace failed with the store's conflict). An idempotency key that was already accepted for the
 * same arguments returns its first result before anything is decided; for other arguments it is
 * refused. `args` is what the key promises (the command's arguments as the caller gave them).
 */
export async function handleCommand<Command, State, Event extends DomainEvent>(
  store: EventStore,
  metadata: CommandMetadata,
  streamId: StreamId,
  decider: Decider<Command, State, Event>,
  command: Command,
  args: JsonValue,
): Promise<CommandOutcome<State>> {
  const { tenantId, idempotencyKey } = metadata;
  const fingerprint = idempotencyKey === undefined ? undefined : commandFingerprint(metadata.tool ?? streamId, args);
  const cache = decider.copy ? StreamStateCache.for(store, decider.evolve) : undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await decideAndAppend();
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    }
  }

  async function decideAndAppend(): Promise<CommandOutcome<State>> {
    const { state, version } = await loadStream(store, tenantId, streamId, decider);
    if (idempotencyKey !== undefined) {
      const accepted = await store.findIdempotencyKey(tenantId, idempotencyKey);
      if (accepted) {
        if (accepted.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(tenantId, idempotencyKey);
        return { append: accepted.result, state };
      }
    }
    const events = decider.decide(command, state);
    if (events.length === 0) return { append: undefined, state };
    const eventMetadata = eventMetadataOf(metadata);
    let append: AppendResult;
    try {
      append = await store.append(
        tenantId,
        streamId,
        version === 0 ? 'no-stream' : version,
        events.map((event) => ({ type: event.type, data: event.data, metadata: eventMetadata })),
        { idempotencyKey, fingerprint },
      );
    } catch (error) {
      cache?.delete(tenantId, streamId);
      throw error;
    }
    const next = events.reduce(decider.evolve, state);
    if (cache && !append.replayed) cache.set(tenantId, streamId, append.nextExpectedVersion, decider.copy!(next));
    return { append, state: next };
  }
}

/** What an event records of the command that caused it: who, through which client and tool, under which scopes, in which causal chain. */
export function eventMetadataOf(metadata: CommandMetadata): EventMetadata {
  return {
    userId: metadata.userId,
    clientId: metadata.clientId,
    ...(metadata.grantId !== undefined && { grantId: metadata.grantId }),
    scopes: [...metadata.scopes],
    tool: metadata.tool,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    idempotencyKey: metadata.idempotencyKey,
    traceId: metadata.traceId,
  };
}

function commandFingerprint(name: string, args: JsonValue): string {
  return createHash('sha256').update(canonicalJson({ name, args })).digest('hex');
}
