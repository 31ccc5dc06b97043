import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { IllegalStateError } from '#core';
import { MCP_TOOL, type McpToolDefinition, type McpToolHandler } from './mcp-tool.decorator.js';

export interface RegisteredTool {
  definition: McpToolDefinition;
  handler: McpToolHandler<unknown, unknown>;
}

/** Every provider marked with @McpTool, by name. Filled once at start-up; read-only after. */
@Injectable()
export class ToolRegistry implements OnModuleInit {
  private readonly tools = new Map<string, RegisteredTool>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const definition = this.reflector.get<McpToolDefinition | undefined>(MCP_TOOL, wrapper.metatype as object as new () => unknown);
      if (!definition) continue;
      if (this.tools.has(definition.name)) throw new IllegalStateError('mcp.duplicate_tool', `two tools are named ${definition.name}`);
      this.tools.set(definition.name, { definition, handler: wrapper.instance as McpToolHandler<unknown, unknown> });
    }
  }

  get(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  /** The tools a caller with these scopes may see and call. */
  visibleTo(scopes: readonly string[]): RegisteredTool[] {
    return [...this.tools.values()].filter((tool) => scopes.includes(tool.definition.scope));
  }

  allScopes(): string[] {
    return [...new Set([...this.tools.values()].map((tool) => tool.definition.scope))].sort();
  }
}
