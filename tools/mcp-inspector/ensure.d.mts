// Types for the TypeScript test that runs the MCP Inspector CLI.
export const INSPECTOR_VERSION: string;
/** The path of the cached Inspector's launcher script (installed when missing) and how long installing took (0 when cached). */
export function ensureMcpInspector(): { launcher: string; installMs: number };
