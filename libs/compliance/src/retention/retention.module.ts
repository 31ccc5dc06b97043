import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_ARCHIVE_SETTINGS, EventArchiveSweeper, type EventArchiveSettings } from './archive/event-archive-sweeper.js';
import { EventRetentionController } from './http/event-retention.controller.js';

/** The event archive sweeper (needs ComplianceModule for the signing key); off unless `sweepMs` > 0. */
@Module({})
export class RetentionModule {
  static forRoot(settings: EventArchiveSettings): DynamicModule {
    return { module: RetentionModule, providers: [{ provide: EVENT_ARCHIVE_SETTINGS, useValue: settings }, EventArchiveSweeper], exports: [EventArchiveSweeper] };
  }
}

/** The event retention REST endpoint: processes without an API (workers) leave it out. */
@Module({ controllers: [EventRetentionController] })
export class RetentionHttpModule {}
