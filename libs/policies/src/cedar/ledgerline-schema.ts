/**
 * What a tenant's policy sees, as a Cedar schema: policies are validated against it on publish.
 *
 * - principal: `User::"<user id>"` with `groups` (the token's `groups` claim, empty without one),
 *   `client` (the OAuth client id) and `scopes` (the token's scopes);
 * - action: `Action::"call"` (a tools/call at the MCP front door);
 * - resource: `Tool::"<tool name>"` with `scope` (the scope it needs) and `automation` (true for a
 *   tenant's automation tool, whose arguments are the automation's input);
 * - context: `arguments` (the call's arguments, after the tool's own schema accepted them) and
 *   `argumentKeys` (their top-level names).
 *
 * `Arguments` is declared empty: arguments are arbitrary JSON (each tool, and each tenant's
 * automation, has its own), and Cedar 4.13 validates in strict mode only and takes no open records
 * (`additionalAttributes` needs its experimental partial-validate feature). So the validator checks
 * everything but accesses under `context.arguments` (see policy-validation.ts); those are typed
 * at evaluation, where a mismatch is an evaluation error and fails closed.
 */
export const LEDGERLINE_CEDAR_SCHEMA = `
entity User {
  groups: Set<String>,
  client: String,
  scopes: Set<String>,
};
entity Tool {
  scope: String,
  automation: Bool,
};
type Arguments = {};
action "call" appliesTo {
  principal: [User],
  resource: [Tool],
  context: {
    arguments: Arguments,
    argumentKeys: Set<String>,
  },
};
`;

/** The one action a policy can name: a tool call. */
export const CALL_ACTION = { type: 'Action', id: 'call' } as const;
