export interface McpSettings {
  /** Calls per second allowed to one tenant on one tool, and the burst above that rate. */
  toolRateLimit: { perSecond: number; burst: number };
  /** Tools whose calls run only once the person confirmed that exact call (LEDGERLINE_MCP_CONFIRM_TOOLS). */
  confirmTools: readonly string[];
  /** How long a confirmation round (the ask, then the confirmation given) stays good. */
  confirmationTtlSeconds: number;
}

/** The calls that cannot be undone or change what others rely on: confirmed by default. */
export const DEFAULT_CONFIRM_TOOLS = ['memory_delete', 'automation_publish', 'automation_promote', 'connector_secret_set'] as const;

export const MCP_SETTINGS = Symbol('MCP_SETTINGS');

export const DEFAULT_MCP_SETTINGS: McpSettings = { toolRateLimit: { perSecond: 50, burst: 100 }, confirmTools: DEFAULT_CONFIRM_TOOLS, confirmationTtlSeconds: 300 };
