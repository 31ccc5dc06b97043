import { Module, type DynamicModule } from '@nestjs/common';
import { DeleteMemoryHandler } from './commands/delete-memory/delete-memory.handler.js';
import { PutMemoryHandler } from './commands/put-memory/put-memory.handler.js';
import { GetMemoryHandler } from './queries/get-memory/get-memory.handler.js';
import { ListMemoryHandler } from './queries/list-memory/list-memory.handler.js';
import { MemoryViews } from './projections/memory-views.js';
import { MemoryRetentionController } from './retention/http/memory-retention.controller.js';
import { MEMORY_SETTINGS, MemoryExpirySweeper, type MemorySettings } from './retention/memory-expiry-sweeper.js';
import { MemoryDeleteTool } from './tools/memory-delete.tool.js';
import { MemoryGetTool } from './tools/memory-get.tool.js';
import { MemoryListTool } from './tools/memory-list.tool.js';
import { MemoryPutTool } from './tools/memory-put.tool.js';

export const DEFAULT_MEMORY_SETTINGS: MemorySettings = { expirySweepMs: 60_000 };

/** Per-user and per-tenant memory for agents: its commands, queries, tools and retention. */
@Module({})
export class MemoryModule {
  static forRoot(settings: MemorySettings = DEFAULT_MEMORY_SETTINGS): DynamicModule {
    return {
      module: MemoryModule,
      global: true,
      providers: [
        { provide: MEMORY_SETTINGS, useValue: settings },
        MemoryViews, MemoryExpirySweeper, PutMemoryHandler, DeleteMemoryHandler, GetMemoryHandler, ListMemoryHandler,
        MemoryPutTool, MemoryDeleteTool, MemoryGetTool, MemoryListTool,
      ],
      exports: [MemoryViews],
    };
  }
}

/** The memory admin REST: processes without an API (workers) leave it out. */
@Module({ controllers: [MemoryRetentionController] })
export class MemoryHttpModule {}
