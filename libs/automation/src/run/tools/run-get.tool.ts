import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { RunReader, type RunDetails } from '../run-reader.js';
import { RUNS_SCOPE } from '../run-scopes.js';

const input = z.strictObject({ runId: z.string().max(64).describe('the runId a start returned') });
const output = z.object({
  runId: z.string(), automation: z.string(), version: z.number(), status: z.string(), startedBy: z.string(), startedAt: z.string(), deadlineAt: z.string(),
  currentStep: z.string().nullable(),
  steps: z.array(z.object({ id: z.string(), status: z.string(), attempts: z.number(), output: z.json().nullable(), retryAt: z.string().nullable() })),
  approval: z.object({
    approvalId: z.string(), status: z.string(), decidedBy: z.string().nullable(), reason: z.string().nullable(), groups: z.array(z.string()), reminders: z.number(), escalated: z.boolean(),
  }).nullable(),
  policyApproval: z.object({ groups: z.array(z.string()), policies: z.array(z.string()), granted: z.boolean() }).nullable()
    .describe("the approval the tenant's policies asked for before the first step (null: none); while it is pending it is also `approval`"),
  cancel: z.object({ reason: z.string(), requestedBy: z.string() }).nullable(),
  lastError: z.object({ stepId: z.string().nullable(), code: z.string(), message: z.string() }).nullable(),
  streamVersion: z.number(),
});

@McpTool({
  name: 'run_get',
  title: 'Get a run',
  description: 'The current state of one of your runs: status (running, cancelling, completed, failed, cancelled, timed_out), each step with its attempts and output, a pending approval (the approval the policies ask for before the first step, too), the last error. Poll it to follow a run.',
  scope: RUNS_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class RunGetTool implements McpToolHandler<z.infer<typeof input>, RunDetails> {
  constructor(private readonly runs: RunReader) {}

  execute({ runId }: z.infer<typeof input>, { metadata }: ToolContext): Promise<RunDetails> {
    return this.runs.get(metadata, runId);
  }
}
