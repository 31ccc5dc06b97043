import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { RunViews, type RunSummary } from '../projections/run-views.js';
import { runListFilterOf, runListInput } from '../queries/list-runs/run-list-filter.js';
import { RUNS_SCOPE } from '../run-scopes.js';

const run = z.object({ runId: z.string(), automation: z.string(), version: z.number(), status: z.string(), startedBy: z.string(), startedAt: z.string(), updatedAt: z.string(), currentStep: z.string().nullable(), lastError: z.string().nullable() });
const output = z.object({ runs: z.array(run), nextCursor: z.string().nullable() });

@McpTool({
  name: 'run_list',
  title: 'List my runs',
  description: 'Your runs, newest first, optionally by status, automation and start time (since, until); pass nextCursor back as cursor for the next page.',
  scope: RUNS_SCOPE,
  input: runListInput,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class RunListTool implements McpToolHandler<z.infer<typeof runListInput>, { runs: RunSummary[]; nextCursor: string | null }> {
  constructor(private readonly views: RunViews) {}

  execute(input: z.infer<typeof runListInput>, { metadata }: ToolContext): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
    return this.views.listRuns(metadata, runListFilterOf(input, metadata));
  }
}
