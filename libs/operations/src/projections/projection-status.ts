import type { Frontier, Projection, RebuildState } from '#projections';
import type { ProjectionStatusView, ReplayView } from './queries/list-projections/list-projections.query.js';

/** A view's state, from its saved positions, its row of the online rebuilds and the log's head. */
export function projectionStatus(projection: Projection, live: Frontier | undefined, rebuild: RebuildState | undefined, head: number): ProjectionStatusView {
  const checkpoint = live?.low ?? null;
  return {
    name: projection.name,
    version: projection.version,
    storedVersion: live?.version ?? null,
    checkpoint,
    partitions: live?.partitioned ? [...live.partitions] : null,
    lag: Math.max(0, head - (checkpoint ?? 0)),
    replay: rebuild?.active ? replayOf(rebuild, checkpoint ?? 0) : null,
  };
}

function replayOf(rebuild: RebuildState, target: number): ReplayView {
  return {
    generation: rebuild.generation,
    tenantId: rebuild.tenantScope === '' ? null : rebuild.tenantScope,
    position: rebuild.position,
    target,
    // Rounded down: 1 only once it is there.
    progress: target > 0 ? Math.floor(Math.min(1, rebuild.position / target) * 10_000) / 10_000 : 1,
    updatedAt: rebuild.updatedAt === undefined ? null : new Date(rebuild.updatedAt).toISOString(),
  };
}
