import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, EVENT_STORE_SETTINGS, type EventStore, type RecordedEvent } from '#event-store';
import { reportProjectionLag } from '#observability/nest';
import { applyBusBatch } from './bus-fed.js';
import type { Projection } from './projection.js';
import { Projector } from './projector.js';
import { openViewDb, PROJECTION_ROLE, VIEW_DB, type ProjectionRole } from './open-view-db.js';
import type { ViewDb } from './view-db.port.js';
import { ViewWatch } from './view-watch.js';
import { whileLeading } from './while-leading.js';

const LEADERSHIP = 'projectors';

/** The projectors of this process: feature modules register their projections; all start with the app. */
@Injectable()
export class ProjectorRegistry implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly projectors = new Map<string, Projector>();
  private readonly stopping = new AbortController();
  private election: Promise<void> | undefined;
  private stopReportingLag: () => void = () => undefined;
  private readonly watch: ViewWatch;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    @Inject(PROJECTION_ROLE) private readonly role: ProjectionRole,
  ) {
    this.watch = new ViewWatch(db, () => this.projectors.values());
  }

  register(projection: Projection): Projector {
    let projector = this.projectors.get(projection.name);
    if (!projector) {
      projector = new Projector(this.store, this.db, projection);
      this.projectors.set(projection.name, projector);
    }
    return projector;
  }

  /** Every projection registered in this process (the compliance export reads their tables). */
  projections(): Projection[] {
    return [...this.projectors.values()].map((projector) => projector.projection);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopReportingLag = reportProjectionLag(async () => {
      const head = await this.store.committedPosition();
      return [...this.projectors.values()].map((projector) => ({ projection: projector.projection.name, lag: Math.max(0, head - projector.checkpoint) }));
    });
    if (this.role === 'apply') return this.applyAll();
    if (this.role === 'consume') return;
    this.watchAll();
    if (this.role === 'elect') this.election = this.elect();
  }

  /** Before any module's shutdown hook, so the event store is still open while projectors stop. */
  async onModuleDestroy(): Promise<void> {
    this.stopReportingLag();
    this.stopping.abort();
    await this.election;
    await this.watch.stop();
    await this.stopAll();
  }

  /**
   * Readies every view for the bus (Projector.prepareForBus), one process at a time, then watches
   * where the consumer group has taken them. Resolves once this process may feed batches.
   */
  async prepareForBus(partitions: number): Promise<void> {
    for (;;) {
      if (this.stopping.signal.aborted) return;
      const leadership = await this.db.tryLead(LEADERSHIP).catch(() => undefined);
      if (leadership) {
        try {
          for (const projector of this.projectors.values()) await projector.prepareForBus(partitions);
        } finally {
          await leadership.release();
        }
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    this.watchAll();
  }

  /** One partition's batch from the bus, into every view at once (bus-fed.ts). */
  applyBusBatch(partition: number, events: readonly RecordedEvent[], upTo: number): Promise<void> {
    return applyBusBatch(this.db, this.projections(), partition, events, upTo);
  }

  /** Every view watched with one poll (ViewWatch) instead of one each. */
  private watchAll(): void {
    for (const projector of this.projectors.values()) projector.watchWith(() => this.watch.nudge());
    this.watch.start();
  }

  private async applyAll(): Promise<void> {
    for (const projector of this.projectors.values()) await projector.start();
  }

  private stopAll(): Promise<unknown> {
    return Promise.all([...this.projectors.values()].map((projector) => projector.stop()));
  }

  /** Applies the views while this process leads the workers; watches them otherwise. */
  private elect(): Promise<void> {
    return whileLeading(this.db, LEADERSHIP, this.stopping.signal, async () => {
      await this.stopAll();
      await this.applyAll();
      return async () => {
        await this.stopAll();
        if (!this.stopping.signal.aborted) this.watchAll();
      };
    });
  }


  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

@Global()
@Module({})
export class ProjectionsModule {
  static forRoot(role: ProjectionRole = 'apply'): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [{ provide: VIEW_DB, inject: [EVENT_STORE_SETTINGS], useFactory: openViewDb }, { provide: PROJECTION_ROLE, useValue: role }, ProjectorRegistry],
      exports: [VIEW_DB, ProjectorRegistry],
    };
  }
}
