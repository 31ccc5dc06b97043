import { Module } from '@nestjs/common';
import { PurgesController } from './http/purges.controller.js';
import { PurgeListener } from './purge-listener.js';

/** Every process that holds keys: forgets them when another process purges. */
@Module({ providers: [PurgeListener] })
export class PurgeModule {}

/** The purge REST endpoint: processes without an API (workers) leave it out. */
@Module({ controllers: [PurgesController] })
export class PurgeHttpModule {}
