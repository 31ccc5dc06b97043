import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { DeleteMemoryCommand, type DeleteMemoryResult } from '../commands/delete-memory/delete-memory.command.js';
import { MemoryItemDto, memoryKeyArg, memoryNamespaceArg, memoryScopeArg } from './memory-args.js';

const input = z.strictObject({ scope: memoryScopeArg, namespace: memoryNamespaceArg, key: memoryKeyArg });
const output = z.object({ scope: z.enum(['user', 'tenant']), namespace: z.string(), key: z.string(), streamVersion: z.number().int() });

@McpTool({
  name: 'memory_delete',
  title: 'Forget a value',
  description: 'Deletes a key from a memory namespace. Fails with memory.not_found when the key holds nothing.',
  scope: 'memory:write',
  input,
  output,
  dto: MemoryItemDto,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
})
export class MemoryDeleteTool implements McpToolHandler<z.infer<typeof input>, DeleteMemoryResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ scope, namespace, key }: z.infer<typeof input>, { metadata }: ToolContext): Promise<DeleteMemoryResult> {
    return this.commandBus.execute(new DeleteMemoryCommand(metadata, scope, namespace, key));
  }
}
