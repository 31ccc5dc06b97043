import { NotFoundError, ValidationError, type JsonValue } from '#core';
import { assertStreamId, assertTenantId, type EventStore, type RecordedEvent } from '#event-store';
import { Command, InvalidArgumentError } from 'commander';
import type { CliIo } from '../cli-io.js';
import { withStores } from '../stores.js';
import { foldFor, KNOWN_STREAM_PREFIXES, redactSealed } from '../stream-folds.js';

interface InspectOptions {
  tenant: string;
  stream?: string;
  asOfPosition?: number;
  asOf?: string;
  events?: boolean;
  json?: boolean;
  limit: number;
  after?: string;
}

const MAX_STREAMS_PAGE = 1000;

/**
 * `ledgerline inspect`: a stream's events and its aggregate's state as of a tenant position or a
 * time, folded with the aggregate's own fold; without --stream, the tenant's streams.
 */
export function inspectCommand(io: CliIo): Command {
  return new Command('inspect')
    .description("a stream's events and state as of a position or time; without --stream, the tenant's streams")
    .requiredOption('--tenant <id>', 'the tenant (ledgerline-platform for the tenant registry)')
    .option('--stream <stream-id>', 'the stream, e.g. memory:tenant:notes, connector-crm, run-<uuid>, automation-<name>')
    .option('--as-of-position <n>', "fold the events up to this tenant position (inclusive)", positiveInteger)
    .option('--as-of <iso-time>', 'fold the events recorded up to this time (inclusive)')
    .option('--events', "also print each event's data (sealed secrets stay sealed)")
    .option('--limit <n>', `streams per page (1-${MAX_STREAMS_PAGE}), without --stream`, positiveInteger, 50)
    .option('--after <stream-id>', 'streams after this one (the previous page\'s next), without --stream')
    .option('--json', 'print JSON')
    .action((options: InspectOptions) => {
      assertTenantId(options.tenant);
      return withStores(io, ({ store }) => (options.stream === undefined ? listStreams(store, options, io) : inspectStream(store, options.stream, options, io)));
    });
}

async function inspectStream(store: EventStore, streamId: string, options: InspectOptions, io: CliIo): Promise<void> {
  assertStreamId(streamId);
  const asOf = asOfOf(options);
  const all = await store.readStream(options.tenant, streamId);
  if (all.length === 0) throw new NotFoundError('inspect.unknown_stream', `tenant ${options.tenant} has no stream ${streamId}`, { tenantId: options.tenant, streamId });
  const events = all.filter((event) => (asOf.position === undefined || event.tenantPosition <= asOf.position) && (asOf.time === undefined || event.recordedAt <= asOf.time));
  const fold = foldFor(streamId);
  const report = {
    tenantId: options.tenant,
    streamId,
    aggregate: fold?.aggregate ?? null,
    asOf: { tenantPosition: asOf.position ?? null, time: asOf.time ?? null },
    version: events[events.length - 1]?.streamVersion ?? 0,
    currentVersion: all[all.length - 1]!.streamVersion,
    events: events.map((event) => describeEvent(event, options.events === true)),
    state: fold ? fold.foldAndShow(events) : null,
  };
  if (options.json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines = [
    `stream ${streamId} of tenant ${options.tenant}: version ${report.version}${report.version === report.currentVersion ? '' : ` as of ${asOfText(asOf)} (now ${report.currentVersion})`}`,
    ...report.events.map((event) => `  v${event.version}  pos ${event.tenantPosition}  ${event.recordedAt}  ${event.type}  by ${event.userId ?? '-'}${event.tool ? ` via ${event.tool}` : ''}${event.data === undefined ? '' : `  ${JSON.stringify(event.data)}`}`),
    fold
      ? `state (${fold.aggregate}${report.events.length === 0 ? ', before its first event' : ''}):\n${JSON.stringify(report.state, null, 2)}`
      : `no fold for this stream (known prefixes: ${KNOWN_STREAM_PREFIXES.join(' ')}): events only`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
}

interface StreamSummary {
  streamId: string;
  version: number;
  events: number;
  lastEventAt: string;
  lastTenantPosition: number;
}

/** Every stream of the tenant, by id, from one read of the tenant's log (exact even while no platform keeps the views). */
async function listStreams(store: EventStore, options: InspectOptions, io: CliIo): Promise<void> {
  if (options.limit > MAX_STREAMS_PAGE) throw new ValidationError('inspect.invalid_limit', `--limit is at most ${MAX_STREAMS_PAGE}`);
  if (options.after !== undefined) assertStreamId(options.after);
  const streams = new Map<string, StreamSummary>();
  for await (const batch of store.readAll({ tenantId: options.tenant })) {
    for (const event of batch) {
      const known = streams.get(event.streamId);
      streams.set(event.streamId, { streamId: event.streamId, version: event.streamVersion, events: (known?.events ?? 0) + 1, lastEventAt: event.recordedAt, lastTenantPosition: event.tenantPosition });
    }
  }
  const sorted = [...streams.values()].filter((s) => options.after === undefined || s.streamId > options.after).sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
  const page = sorted.slice(0, options.limit);
  const next = sorted.length > page.length ? page[page.length - 1]!.streamId : null;
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ tenantId: options.tenant, streams: page, next })}\n`);
    return;
  }
  const lines = page.map((s) => `${s.streamId}\tversion ${s.version}\tlast event ${s.lastEventAt} (pos ${s.lastTenantPosition})`);
  if (page.length === 0) lines.push(`tenant ${options.tenant} has no streams${options.after === undefined ? '' : ` after ${options.after}`}`);
  if (next !== null) lines.push(`more: --after ${next}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}

function describeEvent(event: RecordedEvent, withData: boolean): { version: number; tenantPosition: number; recordedAt: string; type: string; userId: string | null; tool: string | null; data?: JsonValue } {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    version: event.streamVersion,
    tenantPosition: event.tenantPosition,
    recordedAt: event.recordedAt,
    type: event.type,
    userId: text(event.metadata.userId),
    tool: text(event.metadata.tool),
    ...(withData && { data: redactSealed(event.data) }),
  };
}

function asOfOf(options: InspectOptions): { position?: number; time?: string } {
  if (options.asOfPosition !== undefined && options.asOf !== undefined) throw new ValidationError('inspect.as_of_both', 'give --as-of-position or --as-of, not both');
  if (options.asOf === undefined) return { position: options.asOfPosition };
  const time = new Date(options.asOf);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(options.asOf) || Number.isNaN(time.getTime())) throw new ValidationError('inspect.invalid_as_of', `--as-of expects an ISO-8601 time such as 2025-01-31T12:00:00Z, not ${options.asOf}`);
  return { time: time.toISOString() };
}

function asOfText(asOf: { position?: number; time?: string }): string {
  return asOf.position !== undefined ? `tenant position ${asOf.position}` : `${asOf.time}`;
}

function positiveInteger(value: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return Number(value);
}
