import { rmSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, IllegalStateError, type CommandMetadata } from '#core';
import { assertTenantId, eventMetadataOf, loadStream, WrongExpectedVersionError, type EventStore } from '#event-store';
import type { Projection, ViewDb } from '#projections';
import type { ExportSigner } from '../../signing/export-signing-key.js';
import { storedDataOnly } from '../../export/event-data-opener.port.js';
import { writeExport } from '../../export/write-export.js';
import { readEventRetention } from '../set-event-retention.js';
import { ARCHIVES_STREAM, archivesFold, type ArchiveCompleted, type ArchivePositions, type StreamsArchived } from './archive.events.js';
import { writeArchiveFile } from './archive-file.js';
import { closedStreamsBefore, summariseStreams, type ClosedStreamRule, type StreamSummary } from './closed-streams.js';
import { rebuildTenantViews } from './rebuild-tenant-views.js';

const DAY_MS = 86_400_000;
/** Streams per archive: keeps StreamsArchived well below the event size limit; the next run takes the rest. */
export const MAX_STREAMS_PER_ARCHIVE = 2000;

export interface ArchiveTenantRequest {
  store: EventStore;
  views: ViewDb;
  /** The views to rebuild for the tenant once its archived events are gone. */
  projections: readonly Projection[];
  rules: readonly ClosedStreamRule[];
  signer: ExportSigner;
  /** Who asks; its tenant is the tenant archived. */
  metadata: CommandMetadata;
  /** The archive file to create (never overwritten); unused by a dry run. */
  file: string;
  dryRun?: boolean;
  now?: Date;
  maxStreams?: number;
}

export interface ArchiveTenantResult {
  tenantId: string;
  retentionDays: number;
  cutoff: string;
  /** The closed streams past the retention: archived now, or those a dry run would archive. */
  streams: Array<{ streamId: string; events: number; lastRecordedAt: string }>;
  archive: (Omit<StreamsArchived['data'], 'streams'> & { file: string }) | null;
  /** Archives a previous run recorded and did not complete, completed now. */
  finished: string[];
  tombstoned: number;
  rebuilt: string[];
}

/**
 * One archive run for the tenant of `metadata`. Crash-safe in this order: (1) finish archives
 * recorded before (tombstone, rebuild, complete); (2) select the closed streams past the
 * tenant's retention; (3) write and sync the signed archive file, the export format holding
 * exactly those streams' events (the others between them as elided hashes); (4) append
 * StreamsArchived; (5) tombstone the events; (6) rebuild the tenant's views from the smaller
 * log; (7) append ArchiveCompleted. A crash before (4) leaves a spare file and every event live;
 * after it, the next run finishes from (5).
 */
export async function archiveTenant(request: ArchiveTenantRequest): Promise<ArchiveTenantResult> {
  const { store, metadata } = request;
  const tenantId = metadata.tenantId;
  assertTenantId(tenantId);
  const now = request.now ?? new Date();
  const retentionDays = await readEventRetention(store, tenantId);
  if (retentionDays === null) {
    throw new IllegalStateError('retention.no_policy', `tenant ${tenantId} has no event retention: set one first (ledgerline retention --tenant ${tenantId} --event-days N)`, { tenantId });
  }
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const archives = await loadStream(store, tenantId, ARCHIVES_STREAM, archivesFold);
  const pending = [...archives.state.pending.values()];
  const pendingStreams = new Set(pending.flatMap((archive) => archive.streams));

  let tombstoned = 0;
  if (!request.dryRun) for (const archive of pending) tombstoned += await store.archiveStreams(tenantId, archive.streams, archive.positions.lastGlobalPosition);
  const head = await store.headPosition(tenantId);
  const summaries = await summariseStreams(store, tenantId, head);
  const selected = closedStreamsBefore(summaries.values(), request.rules, cutoff)
    .filter((stream) => !pendingStreams.has(stream.streamId))
    .slice(0, request.maxStreams ?? MAX_STREAMS_PER_ARCHIVE);
  const result: ArchiveTenantResult = {
    tenantId, retentionDays, cutoff: cutoff.toISOString(),
    streams: selected.map(({ streamId, events, lastRecordedAt }) => ({ streamId, events, lastRecordedAt })),
    archive: null, finished: pending.map((archive) => archive.archiveId), tombstoned, rebuilt: [],
  };
  if (request.dryRun) return { ...result, finished: [], tombstoned: 0 };

  let version = archives.version;
  const completing = [...pending];
  if (selected.length > 0) {
    const recorded = await recordArchive(request, selected, { retentionDays, cutoff, now, version });
    version = recorded.version;
    completing.push(recorded.data);
    result.archive = { ...withoutStreams(recorded.data), file: request.file };
    result.tombstoned += await store.archiveStreams(tenantId, recorded.data.streams, recorded.data.positions.lastGlobalPosition);
  }
  if (completing.length === 0) return result;
  result.rebuilt = await rebuildTenantViews(store, request.views, request.projections, tenantId);
  const eventMetadata = eventMetadataOf(metadata);
  const completed = completing.map((archive): ArchiveCompleted & { metadata: typeof eventMetadata } => ({
    type: 'ArchiveCompleted', data: { archiveId: archive.archiveId, tombstoned: result.tombstoned }, metadata: eventMetadata,
  }));
  await store.append(tenantId, ARCHIVES_STREAM, version, completed);
  return result;
}

/** Steps (3) and (4): the synced file, then its record. Another run that recorded first wins; this file is removed. */
async function recordArchive(
  request: ArchiveTenantRequest,
  selected: readonly StreamSummary[],
  context: { retentionDays: number; cutoff: Date; now: Date; version: number },
): Promise<{ data: StreamsArchived['data']; version: number }> {
  const { store, metadata } = request;
  const tenantId = metadata.tenantId;
  const archiveId = `archive-${uuidv7()}`;
  const names = new Set(selected.map((stream) => stream.streamId));
  const positions: ArchivePositions = {
    firstGlobalPosition: selected[0]!.firstGlobalPosition,
    lastGlobalPosition: Math.max(...selected.map((stream) => stream.lastGlobalPosition)),
    firstTenantPosition: selected[0]!.firstTenantPosition,
    lastTenantPosition: Math.max(...selected.map((stream) => stream.lastTenantPosition)),
  };
  const events = selected.reduce((sum, stream) => sum + stream.events, 0);
  let written = 0;
  const file = await writeArchiveFile(request.file, async (out) => {
    const summary = await writeExport({
      store, views: request.views, tenantId, range: {}, withViews: false, tables: [], signer: request.signer, opener: storedDataOnly,
      head: positions.lastGlobalPosition, createdAt: context.now.toISOString(), exportId: archiveId,
      window: { first: positions.firstTenantPosition, last: positions.lastTenantPosition, after: selected[0]!.previousGlobalPosition, chainStart: selected[0]!.previousHash },
      only: (event) => names.has(event.streamId),
    }, out, true);
    written = summary.counts.events;
  });
  if (written !== events) {
    rmSync(file.file, { force: true });
    throw new IllegalStateError('retention.archive_changed', `the archive holds ${written} events where the closed streams had ${events}: a closed stream changed, nothing was archived`, { tenantId });
  }
  const data: StreamsArchived['data'] = {
    archiveId, streams: [...names], archiveSha256: file.sha256, fileName: file.fileName, keyId: request.signer.keyId,
    counts: { streams: names.size, events }, positions, retentionDays: context.retentionDays, cutoff: context.cutoff.toISOString(),
  };
  try {
    const append = await store.append(tenantId, ARCHIVES_STREAM, context.version === 0 ? 'no-stream' : context.version, [{ type: 'StreamsArchived', data, metadata: eventMetadataOf(metadata) }]);
    return { data, version: append.nextExpectedVersion };
  } catch (error) {
    rmSync(file.file, { force: true });
    if (error instanceof WrongExpectedVersionError) throw new ConflictError('retention.archive_running', `another archive run of tenant ${tenantId} recorded first: run again`, { tenantId }, { cause: error });
    throw error;
  }
}

function withoutStreams(data: StreamsArchived['data']): Omit<StreamsArchived['data'], 'streams'> {
  const { streams: _streams, ...rest } = data;
  return rest;
}
