export interface McpSettings {
  /** Calls per second allowed to one tenant on one tool, and the burst above that rate. */
  toolRateLimit: { perSecond: number; burst: number };
}

export const MCP_SETTINGS = Symbol('MCP_SETTINGS');

export const DEFAULT_MCP_SETTINGS: McpSettings = { toolRateLimit: { perSecond: 50, burst: 100 } };
