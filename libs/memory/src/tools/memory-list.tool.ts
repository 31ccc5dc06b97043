import { QueryBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { ListMemoryQuery, type ListMemoryResult } from '../queries/list-memory/list-memory.query.js';
import { ListMemoryDto, memoryKeyArg, memoryNamespaceArg, memoryScopeArg } from './memory-args.js';

const input = z.strictObject({
  scope: memoryScopeArg,
  namespace: memoryNamespaceArg,
  prefix: z.string().max(200).default('').describe('only keys starting with this'),
  limit: z.number().int().min(1).max(500).default(100),
  cursor: memoryKeyArg.optional().describe('nextCursor of the previous page'),
});
const output = z.object({ scope: z.enum(['user', 'tenant']), namespace: z.string(), keys: z.array(z.string()), nextCursor: z.string().nullable() });

@McpTool({
  name: 'memory_list',
  title: 'List remembered keys',
  description: 'Lists the keys of a memory namespace in order, a page at a time.',
  scope: 'memory:read',
  input,
  output,
  dto: ListMemoryDto,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class MemoryListTool implements McpToolHandler<z.infer<typeof input>, ListMemoryResult> {
  constructor(private readonly queryBus: QueryBus) {}

  execute({ scope, namespace, prefix, limit, cursor }: z.infer<typeof input>, { metadata }: ToolContext): Promise<ListMemoryResult> {
    return this.queryBus.execute(new ListMemoryQuery(metadata, scope, namespace, prefix, limit, cursor));
  }
}
