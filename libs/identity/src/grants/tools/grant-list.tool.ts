import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { GRANTS_MANAGE_SCOPE } from '../../identity-scopes.js';
import { DEFAULT_GRANT_PAGE, Delegations, MAX_GRANT_PAGE, type DelegationPage } from '../delegations.js';
import { delegationSchema } from './grant-args.js';

const input = z.strictObject({
  limit: z.number().int().min(1).max(MAX_GRANT_PAGE).default(DEFAULT_GRANT_PAGE),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});
const output = z.object({ grants: z.array(delegationSchema), nextCursor: z.string().nullable() });

@McpTool({
  name: 'grant_list',
  title: 'List my delegations',
  description: 'Lists the grants you gave to applications (which client, which scopes, issued, expires), newest first, a page at a time. Only your own, in your organisation.',
  scope: GRANTS_MANAGE_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class GrantListTool implements McpToolHandler<z.infer<typeof input>, DelegationPage> {
  constructor(private readonly delegations: Delegations) {}

  execute({ limit, cursor }: z.infer<typeof input>, { metadata }: ToolContext): Promise<DelegationPage> {
    return this.delegations.listOwn(metadata, { limit, ...(cursor !== undefined && { cursor }) });
  }
}
