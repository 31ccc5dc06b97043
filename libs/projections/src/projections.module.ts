import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import { EVENT_STORE, EVENT_STORE_SETTINGS, type EventStore, type EventStoreSettings } from '#event-store';
import type { Projection } from './projection.js';
import { Projector } from './projector.js';
import { PostgresViewDb } from './postgres-view-db.js';
import { SqliteViewDb } from './sqlite-view-db.js';
import type { ViewDb } from './view-db.port.js';

export const VIEW_DB = Symbol('VIEW_DB');

export function openViewDb(settings: EventStoreSettings): ViewDb {
  return settings.kind === 'sqlite' ? SqliteViewDb.open(join(settings.dataDir, 'views.db')) : PostgresViewDb.connect(settings.connectionString);
}

/** The projectors of this process: feature modules register their projections; all start with the app. */
@Injectable()
export class ProjectorRegistry implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly projectors = new Map<string, Projector>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VIEW_DB) private readonly db: ViewDb,
  ) {}

  register(projection: Projection): Projector {
    let projector = this.projectors.get(projection.name);
    if (!projector) {
      projector = new Projector(this.store, this.db, projection);
      this.projectors.set(projection.name, projector);
    }
    return projector;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const projector of this.projectors.values()) await projector.start();
  }

  /** Before any module's shutdown hook, so the event store is still open while projectors stop. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.projectors.values()].map((projector) => projector.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

@Global()
@Module({})
export class ProjectionsModule {
  static forRoot(): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [{ provide: VIEW_DB, inject: [EVENT_STORE_SETTINGS], useFactory: openViewDb }, ProjectorRegistry],
      exports: [VIEW_DB, ProjectorRegistry],
    };
  }
}
