import type { JsonValue } from './json.js';

/** A domain event as deciders see it: a type and plain JSON data, before the store wraps it. */
export interface DomainEvent<Type extends string = string, Data extends JsonValue = JsonValue> {
  type: Type;
  data: Data;
}

/**
 * The decider pattern: pure functions, no I/O, no clock, no ids (pass them in the command).
 * `decide` throws a DomainError to refuse; it returns no events when nothing needs to change.
 */
export interface Decider<Command, State, Event extends DomainEvent> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
  /**
   * An independent copy of a state. With it, command handling keeps the last state of each
   * stream and folds only the events appended since, instead of the whole stream every time.
   */
  copy?(state: State): State;
}

/** Who asks and in which causal chain: set once at the edge from the verified token and the request. */
export interface CommandMetadata {
  tenantId: string;
  userId: string;
  clientId: string;
  /** The delegation (OAuth grant) the caller acts under, when its token names one. */
  grantId?: string;
  scopes: readonly string[];
  /** The caller's groups from its token (policies and approver groups read them); not recorded in event metadata. */
  groups?: readonly string[];
  tool?: string;
  correlationId: string;
  causationId?: string;
  idempotencyKey?: string;
  traceId?: string;
}
