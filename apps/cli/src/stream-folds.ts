import { dryRunFold, evolveAutomation, initialAutomationState, runFold, shadowFold } from '#automation';
import { connectorFold, type ConnectorState } from '#connectors';
import type { JsonValue } from '#core';
import type { RecordedEvent } from '#event-store';
import { evolveMemory, initialMemoryState, type MemoryState } from '#memory';
import { tenantFold } from '#tenants';

/** How `inspect` folds one kind of stream: the aggregate's own fold, and what of its state may be printed. */
export interface StreamFoldEntry {
  aggregate: string;
  foldAndShow(events: readonly RecordedEvent[]): JsonValue;
}

function entry<State, Event>(aggregate: string, fold: { initialState(): State; evolve(state: State, event: Event): State }, show: (state: State) => unknown): StreamFoldEntry {
  return {
    aggregate,
    foldAndShow: (events) => redactSealed(show(events.reduce((state, event) => fold.evolve(state, event as unknown as Event), fold.initialState()))),
  };
}

/** Stream id prefix → fold; the prefixes are the aggregates' stream naming (memory-stream.ts, connector-stream.ts, run-stream.ts …). */
const FOLDS: ReadonlyArray<[prefix: string, entry: StreamFoldEntry]> = [
  ['memory:', entry('memory', { initialState: initialMemoryState, evolve: evolveMemory }, (state: MemoryState) => ({ items: Object.fromEntries(state.items) }))],
  ['connector-', entry('connector', connectorFold, showConnector)],
  ['run-', entry('run', runFold, (state) => state)],
  ['dryrun-', entry('dry run', dryRunFold, (state) => state)],
  ['shadow-', entry('shadow comparison', shadowFold, (state) => state)],
  ['automation-', entry('automation', { initialState: initialAutomationState, evolve: evolveAutomation }, (state) => state)],
  ['tenant-', entry('tenant', tenantFold, (state) => state)],
];

export function foldFor(streamId: string): StreamFoldEntry | undefined {
  return FOLDS.find(([prefix]) => streamId.startsWith(prefix))?.[1];
}

export const KNOWN_STREAM_PREFIXES = FOLDS.map(([prefix]) => prefix);

/** Sealed secrets stay sealed: a connector shows which secret versions are live and under which key, never the ciphertext. */
function showConnector(state: ConnectorState): unknown {
  if (state.status !== 'registered') return state;
  const { liveSecrets, ...rest } = state;
  return { ...rest, liveSecrets: [...liveSecrets].map(([version, sealed]) => ({ version, keyId: sealed.keyId })) };
}

/**
 * Replaces anything shaped like a sealed secret (it carries a ciphertext) with its key id, at any
 * depth: event data and states from any stream are printed through here.
 */
export function redactSealed(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(redactSealed);
  if (value === null || typeof value !== 'object') return (value ?? null) as JsonValue;
  const record = value as Record<string, unknown>;
  if ('ciphertext' in record) return { sealed: true, keyId: typeof record.keyId === 'string' ? record.keyId : null };
  return Object.fromEntries(Object.entries(record).filter(([, child]) => child !== undefined).map(([key, child]) => [key, redactSealed(child)]));
}
