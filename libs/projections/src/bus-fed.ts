import type { RecordedEvent } from '#event-store';
import { CHECKPOINTS_TABLE, PARTITION_CHECKPOINTS_TABLE } from './checkpoints.js';
import { applyEvents, type Projection } from './projection.js';
import type { ViewDb } from './view-db.port.js';

/** A view is not at the version this process applies (a deployment under way): the batch waits for a process that matches. */
export class ViewVersionMismatchError extends Error {
  constructor(readonly projection: string, readonly live: number | undefined, readonly code: number) {
    super(`the view ${projection} is at version ${live ?? '(none)'}, this process applies version ${code}: left to a process of that version`);
  }
}

/** The view has no position for this partition (not readied for a bus of this many partitions: Projector.prepareForBus). */
export class ViewNotReadiedError extends Error {
  constructor(readonly projection: string, readonly partition: number) {
    super(`the view ${projection} has no position for partition ${partition} of the bus: it is readied (prepareForBus) before it is fed`);
  }
}

/**
 * Applies one partition's batch from the bus to every view, with the partition's positions, in
 * one transaction of the view database: a redelivered batch, or an event the relay published
 * twice, is at or below the saved position and takes no effect again. `upTo` is the highest
 * position the batch carried (its events' and the relay's marks): every event of the partition
 * up to there has come (the relay publishes in the order of the log), so the partition's
 * position moves to it.
 */
export async function applyBusBatch(db: ViewDb, projections: readonly Projection[], partition: number, events: readonly RecordedEvent[], upTo: number): Promise<void> {
  if (projections.length === 0) return;
  await db.transaction(async (tx) => {
    const names = projections.map((projection) => projection.name);
    const marks = names.map(() => '?').join(', ');
    const versions = new Map(
      (await tx.all<{ name: string; version: number | string }>(`SELECT name, version FROM ${CHECKPOINTS_TABLE} WHERE name IN (${marks})`, names)).map((row) => [row.name, Number(row.version)]),
    );
    const positions = new Map(
      (await tx.all<{ name: string; position: number | string }>(`SELECT name, position FROM ${PARTITION_CHECKPOINTS_TABLE} WHERE part = ? AND name IN (${marks})`, [partition, ...names])).map((row) => [row.name, Number(row.position)]),
    );
    for (const projection of projections) {
      const version = versions.get(projection.name);
      const from = positions.get(projection.name);
      if (version !== projection.version) throw new ViewVersionMismatchError(projection.name, version, projection.version);
      if (from === undefined) throw new ViewNotReadiedError(projection.name, partition);
      // A batch may carry an event twice too (the relay restarted between its copies): only what is past the last one taken counts.
      let at = from;
      const handled: RecordedEvent[] = [];
      for (const event of events) {
        if (event.globalPosition <= at) continue;
        at = event.globalPosition;
        if (projection.handles(event)) handled.push(event);
      }
      await applyEvents(projection, tx, handled);
    }
    await tx.run(`UPDATE ${PARTITION_CHECKPOINTS_TABLE} SET position = ? WHERE part = ? AND position < ? AND name IN (${marks})`, [upTo, partition, upTo, ...names]);
  });
}
