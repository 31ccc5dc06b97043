import { CommandBus } from '@nestjs/cqrs';
import type { Tool } from '@modelcontextprotocol/server';
import type { JsonObject } from '#core';
import { toolIcons } from '#mcp';
import { invalidArguments, McpToolSource, type RegisteredTool, type ToolSource } from '#mcp/nest';
import { StartRunCommand, type StartRunResult } from '../run/commands/start-run/start-run.command.js';
import { AUTOMATION_NAME_PATTERN } from '../definition/index.js';
import { AutomationCatalog, type PublishedAutomation } from './automation-catalog.js';
import { compileInputValidator } from './automation-input.js';
import { automationScope } from './automation-stream.js';

const RUN_OUTPUT_SCHEMA = {
  type: 'object',
  properties: { runId: { type: 'string' }, automation: { type: 'string' }, version: { type: 'integer' }, status: { type: 'string' } },
  required: ['runId', 'automation', 'version', 'status'],
} as const;

/**
 * Every published automation is a tool of its tenant: its name, its own scope, its input schema.
 * Calling it starts a run of the latest version and answers at once with the run id; the agent
 * follows the run with run_get.
 */
@McpToolSource()
export class AutomationToolSource implements ToolSource {
  private readonly tools = new Map<string, RegisteredTool>();

  constructor(
    private readonly catalog: AutomationCatalog,
    private readonly commandBus: CommandBus,
  ) {}

  scopeFor(name: string): string | undefined {
    return AUTOMATION_NAME_PATTERN.test(name) ? automationScope(name) : undefined;
  }

  async toolsFor(tenantId: string): Promise<RegisteredTool[]> {
    return (await this.catalog.latest(tenantId)).map((automation) => this.toolOf(tenantId, automation));
  }

  async findTool(tenantId: string, name: string): Promise<RegisteredTool | undefined> {
    const automation = await this.catalog.latestOf(tenantId, name);
    return automation && this.toolOf(tenantId, automation);
  }

  private toolOf(tenantId: string, automation: PublishedAutomation): RegisteredTool {
    const key = `${tenantId}\u0000${automation.name}\u0000${automation.version}`;
    let tool = this.tools.get(key);
    if (!tool) {
      tool = this.build(automation);
      this.tools.set(key, tool);
    }
    return tool;
  }

  private build({ name, version, definition }: PublishedAutomation): RegisteredTool {
    const validate = compileInputValidator(definition.inputSchema);
    const commandBus = this.commandBus;
    const listing: Tool = {
      name,
      title: definition.title,
      description: `${definition.description}\n\nStarts a run (automation ${name}, version ${version}) and returns its runId at once; follow it with run_get.`,
      inputSchema: definition.inputSchema as Tool['inputSchema'],
      outputSchema: RUN_OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
      annotations: { title: definition.title, readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
      // 2025-11-25: a client may ask for the run as a task (2026-07-28 clients declare the tasks extension instead).
      execution: { taskSupport: 'optional' },
      icons: toolIcons(name, automationScope(name)),
    };
    return {
      name,
      scope: automationScope(name),
      listing,
      async parse(args) {
        const input = args ?? {};
        const issues = validate(input);
        if (issues.length > 0) throw invalidArguments(issues);
        return input;
      },
      handler: {
        execute: (input, { metadata }): Promise<StartRunResult> => commandBus.execute(new StartRunCommand(metadata, name, version, input as JsonObject)),
      },
      // The run is the task: a client that follows tasks gets its id, and the run's result when it ends.
      taskIdOf: (output) => (output as StartRunResult).runId,
    };
  }
}
