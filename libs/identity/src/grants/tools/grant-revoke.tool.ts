import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { GRANTS_MANAGE_SCOPE } from '../../identity-scopes.js';
import { Delegations, type RevokedDelegation } from '../delegations.js';
import { grantIdArg, revokedDelegationSchema } from './grant-args.js';

const input = z.strictObject({ grantId: grantIdArg });

@McpTool({
  name: 'grant_revoke',
  title: 'Revoke one of my delegations',
  description: 'Ends one of your grants: its refresh token stops at once, its access tokens within a second on every server. Fails with identity.grant.not_found for a grant that is not yours.',
  scope: GRANTS_MANAGE_SCOPE,
  input,
  output: revokedDelegationSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
})
export class GrantRevokeTool implements McpToolHandler<z.infer<typeof input>, RevokedDelegation> {
  constructor(private readonly delegations: Delegations) {}

  execute({ grantId }: z.infer<typeof input>, { metadata }: ToolContext): Promise<RevokedDelegation> {
    return this.delegations.revokeOwn(metadata, grantId);
  }
}
