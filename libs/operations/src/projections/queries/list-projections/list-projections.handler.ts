import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ensureCheckpointsTable, ensureRebuildsTable, loadFrontiers, loadRebuildStates, VIEW_DB, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { retryUntilDone } from '../../../retry-until-done.js';
import { projectionStatus } from '../../projection-status.js';
import { ListProjectionsQuery, type ProjectionsView } from './list-projections.query.js';

/** Every view of this process's code: four reads whatever their number (the head, the checkpoints, their partitions, the replays). */
@QueryHandler(ListProjectionsQuery)
export class ListProjectionsHandler implements IQueryHandler<ListProjectionsQuery> {
  /** An API process may answer before any process made them (no worker started yet, no replay ever ran). */
  private readonly ensureTables = retryUntilDone(async () => {
    await ensureCheckpointsTable(this.db);
    await ensureRebuildsTable(this.db);
  });

  constructor(
    private readonly registry: ProjectorRegistry,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(): Promise<ProjectionsView> {
    await this.ensureTables();
    const [frontiers, rebuilds] = await Promise.all([loadFrontiers(this.db), loadRebuildStates(this.db)]);
    const head = await this.store.committedPosition();
    const projections = this.registry.projections().sort((a, b) => a.name.localeCompare(b.name));
    return { head, projections: projections.map((projection) => projectionStatus(projection, frontiers.get(projection.name), rebuilds.get(projection.name), head)) };
  }
}
