import { join } from 'node:path';
import type { EventStoreSettings } from '#event-store';
import { PostgresViewDb } from './postgres-view-db.js';
import { SqliteViewDb } from './sqlite-view-db.js';
import type { ViewDb } from './view-db.port.js';

export const VIEW_DB = Symbol('VIEW_DB');

export function openViewDb(settings: EventStoreSettings): ViewDb {
  return settings.kind === 'sqlite' ? SqliteViewDb.open(join(settings.dataDir, 'views.db')) : PostgresViewDb.connect(settings.connectionString, undefined, settings);
}

/**
 * What this process does with the views: `apply` them from the log (the embedded mode's single
 * process), `elect` one process among several workers to apply them from the log while the others
 * stand by (scale-out workers without a bus), `consume` their share of the bus's partitions in a
 * consumer group (scale-out workers on Kafka: the bus calls prepareForBus, then feeds
 * applyBusBatch), or only `watch` their checkpoints to serve reads (scale-out API processes).
 */
export type ProjectionRole = 'apply' | 'elect' | 'consume' | 'watch';

export const PROJECTION_ROLE = Symbol('PROJECTION_ROLE');
