import { expect } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PlatformProcess } from './platform-process.js';

/** The real MCP SDK client, connected to the platform with a bearer token. */
export async function connect(platform: PlatformProcess, token: string): Promise<Client> {
  const client = new Client({ name: 'ledgerline-system-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${platform.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

export interface ToolError {
  code: string;
  kind: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The typed error of a tool result that must be one. */
export function errorOf(result: unknown): ToolError {
  const call = result as CallToolResult;
  expect(call.isError).toBe(true);
  const text = (call.content[0] as { text: string }).text;
  return (JSON.parse(text) as { error: ToolError }).error;
}

/** Calls a tool that must succeed and returns its structured result. */
export async function callOk<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${(result.content[0] as { text: string }).text}`);
  return result.structuredContent as T;
}
