import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { IllegalStateError } from '#core';
import { MCP_TOOL, type McpToolDefinition, type McpToolHandler } from './mcp-tool.decorator.js';
import { declaredTool, type RegisteredTool } from './registered-tool.js';
import { MCP_TOOL_SOURCE, type ToolSource } from './tool-source.js';
import { MCP_TASK_SOURCE, type ToolTaskSource } from './tool-tasks.js';

/**
 * Every tool a tenant's caller may reach: the providers marked with @McpTool (filled once at
 * start-up) and, after them, what the @McpToolSource providers hold for that tenant.
 */
@Injectable()
export class ToolRegistry implements OnModuleInit {
  private readonly declared = new Map<string, RegisteredTool>();
  private readonly sources: ToolSource[] = [];
  private taskSource: ToolTaskSource | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const metatype = wrapper.metatype as object as new () => unknown;
      if (this.reflector.get<boolean | undefined>(MCP_TOOL_SOURCE, metatype)) this.sources.push(wrapper.instance as ToolSource);
      if (this.reflector.get<boolean | undefined>(MCP_TASK_SOURCE, metatype)) {
        if (this.taskSource) throw new IllegalStateError('mcp.duplicate_task_source', 'two providers are the task source');
        this.taskSource = wrapper.instance as ToolTaskSource;
      }
      const definition = this.reflector.get<McpToolDefinition | undefined>(MCP_TOOL, metatype);
      if (!definition) continue;
      if (this.declared.has(definition.name)) throw new IllegalStateError('mcp.duplicate_tool', `two tools are named ${definition.name}`);
      this.declared.set(definition.name, declaredTool(definition, wrapper.instance as McpToolHandler<unknown, unknown>));
    }
  }

  /** Where the tasks of task-capable tools are read and cancelled; undefined: no tool runs as a task here. */
  tasks(): ToolTaskSource | undefined {
    return this.taskSource;
  }

  /** The scope a tool by this name needs, whatever tenant holds it; undefined: no tool can have this name. No read. */
  scopeFor(name: string): string | undefined {
    const declared = this.declared.get(name);
    if (declared) return declared.scope;
    for (const source of this.sources) {
      const scope = source.scopeFor(name);
      if (scope !== undefined) return scope;
    }
    return undefined;
  }

  async resolve(tenantId: string, name: string): Promise<RegisteredTool | undefined> {
    const declared = this.declared.get(name);
    if (declared) return declared;
    for (const source of this.sources) {
      const tool = await source.findTool(tenantId, name);
      if (tool) return tool;
    }
    return undefined;
  }

  /** The tools a caller of this tenant with these scopes may see and call. */
  async visibleTo(tenantId: string, scopes: readonly string[]): Promise<RegisteredTool[]> {
    const tenantTools = (await Promise.all(this.sources.map((source) => source.toolsFor(tenantId)))).flat();
    return [...this.declared.values(), ...tenantTools.filter((tool) => !this.declared.has(tool.name))].filter((tool) => scopes.includes(tool.scope));
  }

  /** The scopes of the declared tools (tenant tools bring their own, named by their tenants). */
  declaredScopes(): string[] {
    return [...new Set([...this.declared.values()].map((tool) => tool.scope))].sort();
  }
}
