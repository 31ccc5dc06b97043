import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { PromoteAutomationCommand, type PromoteAutomationResult } from '../commands/promote-automation/promote-automation.command.js';
import { AUTOMATIONS_ADMIN_SCOPE } from '../automation-stream.js';

const input = z.strictObject({
  name: z.string().describe('the automation whose shadow version to make live'),
  override: z.strictObject({ reason: z.string().min(1).max(500) }).optional().describe('promote although the success criteria do not all hold; the reason, the caller and the report figures are recorded'),
});
const output = z.object({ name: z.string(), version: z.number(), previousVersion: z.number(), overridden: z.boolean() });

@McpTool({
  name: 'automation_promote',
  title: 'Promote a shadow version',
  description: "Makes an automation's shadow version live when its success criteria hold on its shadow report (automation_shadow_report); refused otherwise (automation.criteria_unmet, each unmet criterion with the figures) unless override: { reason } is given, which is recorded. Runs started afterwards use it; no shadow is attached any more.",
  scope: AUTOMATIONS_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
})
export class AutomationPromoteTool implements McpToolHandler<z.infer<typeof input>, PromoteAutomationResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ name, override }: z.infer<typeof input>, { metadata }: ToolContext): Promise<PromoteAutomationResult> {
    return this.commandBus.execute(new PromoteAutomationCommand(metadata, name, override));
  }
}
