import { CommandBus } from '@nestjs/cqrs';
import type { JsonValue } from '#core';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { PutMemoryCommand, type PutMemoryResult } from '../commands/put-memory/put-memory.command.js';
import { memoryKeyArg, memoryNamespaceArg, memoryScopeArg, PutMemoryDto } from './memory-args.js';

const input = z.strictObject({ scope: memoryScopeArg, namespace: memoryNamespaceArg, key: memoryKeyArg, value: z.json().describe('any JSON value, at most 64 KiB') });
const output = z.object({ scope: z.enum(['user', 'tenant']), namespace: z.string(), key: z.string(), changed: z.boolean(), streamVersion: z.number().int().nullable() });

@McpTool({
  name: 'memory_put',
  title: 'Remember a value',
  description: 'Stores a JSON value under a key in a memory namespace, replacing any value the key held. Putting the same value again changes nothing.',
  scope: 'memory:write',
  input,
  output,
  dto: PutMemoryDto,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
})
export class MemoryPutTool implements McpToolHandler<z.infer<typeof input>, PutMemoryResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ scope, namespace, key, value }: z.infer<typeof input>, { metadata }: ToolContext): Promise<PutMemoryResult> {
    return this.commandBus.execute(new PutMemoryCommand(metadata, scope, namespace, key, value as JsonValue));
  }
}
