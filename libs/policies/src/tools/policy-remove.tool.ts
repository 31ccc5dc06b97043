import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { RemovePolicyCommand, type RemovePolicyResult } from '../commands/remove-policy/remove-policy.command.js';
import { POLICIES_ADMIN_SCOPE } from '../policy-stream.js';
import { policyNameArg } from './policy-args.js';

const input = z.strictObject({ name: policyNameArg });
const output = z.object({ name: z.string(), removed: z.literal(true) });

@McpTool({
  name: 'policy_remove',
  title: 'Remove a policy',
  description: 'Removes a policy: it no longer applies to any call (its past evaluations stay in the report).',
  scope: POLICIES_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
})
export class PolicyRemoveTool implements McpToolHandler<z.infer<typeof input>, RemovePolicyResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ name }: z.infer<typeof input>, { metadata }: ToolContext): Promise<RemovePolicyResult> {
    return this.commandBus.execute(new RemovePolicyCommand(metadata, name));
  }
}
