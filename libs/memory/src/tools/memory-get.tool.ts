import { QueryBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { GetMemoryQuery, type GetMemoryResult } from '../queries/get-memory/get-memory.query.js';
import { MemoryItemDto, memoryKeyArg, memoryNamespaceArg, memoryScopeArg } from './memory-args.js';

const input = z.strictObject({ scope: memoryScopeArg, namespace: memoryNamespaceArg, key: memoryKeyArg });
const output = z.object({ scope: z.enum(['user', 'tenant']), namespace: z.string(), key: z.string(), value: z.json() });

@McpTool({
  name: 'memory_get',
  title: 'Recall a value',
  description: 'Returns the JSON value stored under a key in a memory namespace. Fails with memory.not_found when the key holds nothing.',
  scope: 'memory:read',
  input,
  output,
  dto: MemoryItemDto,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class MemoryGetTool implements McpToolHandler<z.infer<typeof input>, GetMemoryResult> {
  constructor(private readonly queryBus: QueryBus) {}

  execute({ scope, namespace, key }: z.infer<typeof input>, { metadata }: ToolContext): Promise<GetMemoryResult> {
    return this.queryBus.execute(new GetMemoryQuery(metadata, scope, namespace, key));
  }
}
