import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import type { PolicyChangeResult } from '../commands/publish-policy/publish-policy.command.js';
import { SetPolicyModeCommand } from '../commands/set-policy-mode/set-policy-mode.command.js';
import { POLICIES_ADMIN_SCOPE } from '../policy-stream.js';
import { policyChangeOutput, policyModeArg, policyNameArg } from './policy-args.js';

const input = z.strictObject({ name: policyNameArg, mode: policyModeArg });

@McpTool({
  name: 'policy_mode_set',
  title: 'Set a policy\'s mode',
  description: 'Moves a policy between log-only (recorded, never refuses) and enforce (refuses what it forbids).',
  scope: POLICIES_ADMIN_SCOPE,
  input,
  output: policyChangeOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
})
export class PolicyModeSetTool implements McpToolHandler<z.infer<typeof input>, PolicyChangeResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ name, mode }: z.infer<typeof input>, { metadata }: ToolContext): Promise<PolicyChangeResult> {
    return this.commandBus.execute(new SetPolicyModeCommand(metadata, name, mode));
  }
}
