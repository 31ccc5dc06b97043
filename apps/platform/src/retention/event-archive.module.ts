import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import { RetentionModule } from '#compliance/nest';
import type { PlatformConfig } from '../config/platform.config.js';
import { CLOSED_STREAMS } from './closed-streams.js';

/** The event archive sweeper as configured (off unless LEDGERLINE_EVENT_ARCHIVE_SWEEP_MS > 0, and always off when `off`). */
export function eventArchiveModule(config: PlatformConfig, off = false): DynamicModule {
  return RetentionModule.forRoot({
    sweepMs: off ? 0 : config.LEDGERLINE_EVENT_ARCHIVE_SWEEP_MS,
    directory: config.LEDGERLINE_ARCHIVE_DIR ?? join(config.LEDGERLINE_DATA_DIR, 'archives'),
    rules: CLOSED_STREAMS,
  });
}
