import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { RegisteredTool } from './registered-tool.js';

export const MCP_TOOL_SOURCE = Symbol('MCP_TOOL_SOURCE');

/**
 * Tools that exist per tenant and change at run time (a tenant publishes an automation and its
 * agents get a tool). Sources answer from their views; the registry asks them after the
 * declared tools, so a source can never shadow a platform tool.
 */
export interface ToolSource {
  /**
   * The scope a tool of this name from this source needs, if the source could hold one by that
   * name; known without a read (the front door checks the scope and the rate before looking up).
   */
  scopeFor(name: string): string | undefined;
  toolsFor(tenantId: string): Promise<RegisteredTool[]>;
  findTool(tenantId: string, name: string): Promise<RegisteredTool | undefined>;
}

/** Marks a provider as a ToolSource; the registry discovers it at start-up. */
export function McpToolSource(): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(MCP_TOOL_SOURCE, true));
}
