import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { PublishAutomationCommand, type PublishAutomationResult } from '../commands/publish-automation/publish-automation.command.js';
import { AUTOMATIONS_ADMIN_SCOPE } from '../automation-stream.js';
import { successCriteriaSchema } from '../../shadow/success-criteria.js';

const input = z.strictObject({
  definition: z.record(z.string(), z.unknown()).describe('name, title, description, inputSchema (JSON Schema of an object), timeoutSeconds, steps: call | approval | wait | condition'),
  inShadow: z.boolean().optional().describe('true: publish as the shadow version, run beside the live one on the same input without side effects, until automation_promote makes it live'),
  successCriteria: successCriteriaSchema.optional().describe('with inShadow: what promotion requires (defaults: minRuns 200, minIdenticalRequestRate 0.99, allowNewFailureClasses false)'),
});
const criteria = z.object({ minRuns: z.number(), minIdenticalRequestRate: z.number(), allowNewFailureClasses: z.boolean() });
const output = z.object({
  name: z.string(), version: z.number(), changed: z.boolean(), tool: z.string(), scope: z.string(),
  liveVersion: z.number(), inShadow: z.boolean(), successCriteria: criteria.nullable(),
});

@McpTool({
  name: 'automation_publish',
  title: 'Publish an automation',
  description: "Validates an automation definition and publishes it as a new immutable version. It becomes a tool of this tenant's agents, named after it, callable with the scope automation:<name>. Every problem in the definition is reported at once, by path. With inShadow: true it is published as the shadow version instead: the live version keeps serving, each live run is compared with what the shadow would have done (automation_shadow_report), and automation_promote makes it live when its success criteria hold.",
  scope: AUTOMATIONS_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class AutomationPublishTool implements McpToolHandler<z.infer<typeof input>, PublishAutomationResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ definition, inShadow, successCriteria }: z.infer<typeof input>, { metadata }: ToolContext): Promise<PublishAutomationResult> {
    return this.commandBus.execute(new PublishAutomationCommand(metadata, definition, { inShadow, successCriteria }));
  }
}
