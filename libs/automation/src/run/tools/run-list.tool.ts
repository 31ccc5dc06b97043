import { ValidationError } from '#core';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp';
import { z } from 'zod';
import { RunViews, type RunSummary } from '../projections/run-views.js';
import { RUNS_ADMIN_SCOPE, RUNS_SCOPE } from '../run-scopes.js';

const STATUSES = ['running', 'cancelling', 'completed', 'failed', 'cancelled', 'timed_out'] as const;
const input = z.strictObject({
  status: z.enum(STATUSES).optional(),
  allUsers: z.boolean().default(false).describe(`every user's runs, with the scope ${RUNS_ADMIN_SCOPE}`),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^[0-9]{1,15}$/).optional(),
});
const run = z.object({ runId: z.string(), automation: z.string(), version: z.number(), status: z.string(), startedBy: z.string(), startedAt: z.string(), updatedAt: z.string(), currentStep: z.string().nullable(), lastError: z.string().nullable() });
const output = z.object({ runs: z.array(run), nextCursor: z.string().nullable() });

@McpTool({
  name: 'run_list',
  title: 'List my runs',
  description: 'Your runs, newest first, optionally by status; pass nextCursor back as cursor for the next page.',
  scope: RUNS_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class RunListTool implements McpToolHandler<z.infer<typeof input>, { runs: RunSummary[]; nextCursor: string | null }> {
  constructor(private readonly views: RunViews) {}

  execute({ status, allUsers, limit, cursor }: z.infer<typeof input>, { metadata }: ToolContext): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
    if (allUsers && !metadata.scopes.includes(RUNS_ADMIN_SCOPE)) throw new ValidationError('run.list_all_needs_admin', `allUsers needs the scope ${RUNS_ADMIN_SCOPE}`);
    return this.views.listRuns(metadata, { allUsers, status, limit, before: cursor === undefined ? undefined : Number(cursor) });
  }
}
