import { CLIENT_CAPABILITIES_META_KEY, type ServerContext } from '@modelcontextprotocol/server';

/** The client capabilities a 2026-07-28 request declares in its `_meta` envelope (none on a 2025-era request). */
export function clientCapabilitiesOf(ctx: ServerContext): Record<string, unknown> | undefined {
  return (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as Record<string, unknown> | undefined;
}
