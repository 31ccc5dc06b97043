import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata, JsonObject } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { z } from 'zod';
import { RunReader } from '../../run-reader.js';
import type { RunStatus } from '../../run.state.js';
import { shownEventData } from './shown-event-data.js';

export const MAX_RUN_EVENTS_PAGE = 500;

/** A page of a run's events: after a stream version (0: from the start), at most limit of them. */
export const runEventsInput = z.strictObject({
  after: z.number().int().min(0).max(2_147_483_647).default(0).describe("the version of the last event you have (nextAfter of the previous page); 0 from the start"),
  limit: z.number().int().min(1).max(MAX_RUN_EVENTS_PAGE).default(200),
});

export interface RunEventEntry {
  version: number;
  position: number;
  type: string;
  at: string;
  data: JsonObject;
}

export interface RunEventPage {
  events: RunEventEntry[];
  /** The version to read after for the next page; null once the page reached the stream's end (so far). */
  nextAfter: number | null;
  runStatus: RunStatus;
}

/** A run's history, read from its own stream (always current), for whoever may read the run (RunReader's rule). */
@Injectable()
export class RunTimeline {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runs: RunReader,
  ) {}

  async page(metadata: CommandMetadata, runId: string, { after, limit }: z.infer<typeof runEventsInput>): Promise<RunEventPage> {
    const state = await this.runs.readable(metadata, runId);
    const events = await this.store.readStream(metadata.tenantId, runId, { fromVersion: after + 1, limit: limit + 1 });
    const page = events.slice(0, limit);
    return {
      events: page.map((event) => ({ version: event.streamVersion, position: event.globalPosition, type: event.type, at: event.recordedAt, data: shownEventData(event.type, event.data) })),
      nextAfter: events.length > limit ? page[page.length - 1]!.streamVersion : null,
      runStatus: state.status,
    };
  }
}
