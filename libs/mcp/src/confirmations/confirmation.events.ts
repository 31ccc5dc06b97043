/**
 * The confirmation of one sensitive call, in the stream `confirmation-<digest>` of the caller's
 * tenant, where the digest binds the caller (user and client), the tool and its exact arguments.
 * A person confirms (ToolCallConfirmed); the call it allows uses it, once (ConfirmationUsed). Both
 * are in the audit trail with the tool's name; neither holds the arguments.
 */
export const TOOL_CALL_CONFIRMED = 'ToolCallConfirmed';
export const CONFIRMATION_USED = 'ConfirmationUsed';

export interface ToolCallConfirmedData {
  [key: string]: string | number;
  tool: string;
  /** How the person confirmed: in their MCP client (a form elicitation) or on the platform's confirmation page. */
  via: 'client-form' | 'confirmation-page';
  /** Epoch ms after which it allows nothing. */
  expiresAt: number;
}

export interface ConfirmationUsedData {
  [key: string]: string;
  tool: string;
}
