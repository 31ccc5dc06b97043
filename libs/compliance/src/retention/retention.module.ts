import { Module } from '@nestjs/common';
import { EventRetentionController } from './http/event-retention.controller.js';

/** The event retention REST endpoint: processes without an API (workers) leave it out. */
@Module({ controllers: [EventRetentionController] })
export class RetentionHttpModule {}
