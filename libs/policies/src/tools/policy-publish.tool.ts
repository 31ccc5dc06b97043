import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { PublishPolicyCommand, type PolicyChangeResult } from '../commands/publish-policy/publish-policy.command.js';
import { POLICIES_ADMIN_SCOPE } from '../policy-stream.js';
import { policyChangeOutput, policyModeArg, policyNameArg, policyTextArg } from './policy-args.js';

const input = z.strictObject({ name: policyNameArg, text: policyTextArg, mode: policyModeArg.default('log-only') });

@McpTool({
  name: 'policy_publish',
  title: 'Publish a policy',
  description: 'Publishes a Cedar policy for this tenant\'s tool calls, validated against the Ledgerline schema (every error with its line and column). Start in log-only mode, read policy_report, then enforce.',
  scope: POLICIES_ADMIN_SCOPE,
  input,
  output: policyChangeOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
})
export class PolicyPublishTool implements McpToolHandler<z.infer<typeof input>, PolicyChangeResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ name, text, mode }: z.infer<typeof input>, { metadata }: ToolContext): Promise<PolicyChangeResult> {
    return this.commandBus.execute(new PublishPolicyCommand(metadata, name, text, mode));
  }
}
