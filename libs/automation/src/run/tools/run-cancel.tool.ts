import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { CancelRunCommand, type CancelRunResult } from '../commands/cancel-run/cancel-run.command.js';
import { RUNS_CANCEL_SCOPE } from '../run-scopes.js';

const input = z.strictObject({ runId: z.string().max(64), reason: z.string().min(1).max(500) });
const output = z.object({ runId: z.string(), status: z.string() });

@McpTool({
  name: 'run_cancel',
  title: 'Cancel a run',
  description: 'Stops one of your runs: steps not yet done are skipped and the compensations of the steps that took effect run, newest first. The run ends as cancelled; follow it with run_get.',
  scope: RUNS_CANCEL_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
})
export class RunCancelTool implements McpToolHandler<z.infer<typeof input>, CancelRunResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ runId, reason }: z.infer<typeof input>, { metadata }: ToolContext): Promise<CancelRunResult> {
    return this.commandBus.execute(new CancelRunCommand(metadata, runId, reason));
  }
}
