import type { DomainEvent } from '#core';
import type { RecordedEvent } from '#event-store';

/** The tenant's record of archive runs, an audit trail of its own; never archived itself. */
export const ARCHIVES_STREAM = 'compliance:archives';

export type ArchivePositions = {
  firstGlobalPosition: number;
  lastGlobalPosition: number;
  firstTenantPosition: number;
  lastTenantPosition: number;
};

/**
 * Appended once the archive file is written and synced, before any event is tombstoned: a run cut
 * short after it is finished by the next run (the streams are tombstoned up to lastGlobalPosition).
 */
export type StreamsArchived = DomainEvent<'StreamsArchived', {
  archiveId: string;
  streams: string[];
  /** Hex SHA-256 of the archive file as written (gzip bytes). */
  archiveSha256: string;
  /** The archive file's name, without its directory. */
  fileName: string;
  keyId: string;
  counts: { streams: number; events: number };
  positions: ArchivePositions;
  retentionDays: number;
  /** Streams whose last event was recorded before this instant were past the retention. */
  cutoff: string;
}>;

/** The streams are tombstoned and the tenant's views rebuilt without them; `tombstoned` counts the events the completing run tombstoned (for every archive it completed). */
export type ArchiveCompleted = DomainEvent<'ArchiveCompleted', { archiveId: string; tombstoned: number }>;

export type ArchiveEvent = StreamsArchived | ArchiveCompleted;

export interface ArchivesState {
  version: number;
  /** Archives recorded but not completed: what the next run finishes first. */
  pending: Map<string, StreamsArchived['data']>;
}

export const archivesFold = {
  initialState: (): ArchivesState => ({ version: 0, pending: new Map() }),
  evolve(state: ArchivesState, event: RecordedEvent): ArchivesState {
    const archive = event as unknown as ArchiveEvent;
    if (archive.type === 'StreamsArchived') state.pending.set(archive.data.archiveId, archive.data);
    else if (archive.type === 'ArchiveCompleted') state.pending.delete(archive.data.archiveId);
    return { version: event.streamVersion, pending: state.pending };
  },
};
