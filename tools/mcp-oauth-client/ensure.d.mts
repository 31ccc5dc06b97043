// Types for the TypeScript test that runs the Python MCP SDK's OAuth client.
export const OAUTH_CLIENT_SCRIPT: string;
export const MCP_SDK_VERSION: string;
/** The path of the cached venv's python (built when missing) and how long building it took (0 when cached). */
export function ensureMcpOAuthClient(): { python: string; installMs: number };
