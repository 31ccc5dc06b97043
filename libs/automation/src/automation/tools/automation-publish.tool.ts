import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { PublishAutomationCommand, type PublishAutomationResult } from '../commands/publish-automation/publish-automation.command.js';
import { AUTOMATIONS_ADMIN_SCOPE } from '../automation-stream.js';

const input = z.strictObject({
  definition: z.record(z.string(), z.unknown()).describe('name, title, description, inputSchema (JSON Schema of an object), timeoutSeconds, steps: call | approval | wait | condition'),
});
const output = z.object({ name: z.string(), version: z.number(), changed: z.boolean(), tool: z.string(), scope: z.string() });

@McpTool({
  name: 'automation_publish',
  title: 'Publish an automation',
  description: "Validates an automation definition and publishes it as a new immutable version. It becomes a tool of this tenant's agents, named after it, callable with the scope automation:<name>. Every problem in the definition is reported at once, by path.",
  scope: AUTOMATIONS_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class AutomationPublishTool implements McpToolHandler<z.infer<typeof input>, PublishAutomationResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ definition }: z.infer<typeof input>, { metadata }: ToolContext): Promise<PublishAutomationResult> {
    return this.commandBus.execute(new PublishAutomationCommand(metadata, definition));
  }
}
