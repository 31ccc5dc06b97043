import { Module } from '@nestjs/common';
import { DeleteMemoryHandler } from './commands/delete-memory/delete-memory.handler.js';
import { PutMemoryHandler } from './commands/put-memory/put-memory.handler.js';
import { GetMemoryHandler } from './queries/get-memory/get-memory.handler.js';
import { ListMemoryHandler } from './queries/list-memory/list-memory.handler.js';
import { MemoryViews } from './projections/memory-views.js';
import { MemoryDeleteTool } from './tools/memory-delete.tool.js';
import { MemoryGetTool } from './tools/memory-get.tool.js';
import { MemoryListTool } from './tools/memory-list.tool.js';
import { MemoryPutTool } from './tools/memory-put.tool.js';

/** Per-user and per-tenant memory for agents: its commands, queries and tools. */
@Module({
  providers: [MemoryViews, PutMemoryHandler, DeleteMemoryHandler, GetMemoryHandler, ListMemoryHandler, MemoryPutTool, MemoryDeleteTool, MemoryGetTool, MemoryListTool],
})
export class MemoryModule {}
