import { CommandBus } from '@nestjs/cqrs';
import type { Tool } from '@modelcontextprotocol/server';
import type { JsonObject } from '#core';
import { toolIcons } from '#mcp';
import { invalidArguments, McpToolSource, type RegisteredTool, type ToolSource } from '#mcp/nest';
import { StartRunCommand, type StartRunResult } from '../run/commands/start-run/start-run.command.js';
import { DryRunCommand } from '../run/commands/dry-run/dry-run.command.js';
import type { DryRunPlan } from '../run/commands/dry-run/dry-run.plan.js';
import { AUTOMATION_NAME_PATTERN, DRY_RUN_ARGUMENT } from '../definition/index.js';
import { AutomationCatalog, type LiveAutomation } from './automation-catalog.js';
import { compileInputValidator } from './automation-input.js';
import { automationScope } from './automation-stream.js';

const RUN_OUTPUT_SCHEMA = {
  type: 'object',
  properties: {
    runId: { type: 'string' }, automation: { type: 'string' }, version: { type: 'integer' }, status: { type: 'string' },
    // The start answers it with the approval's id; a run as a task ends with the run itself (run_get's shape: granted, or null without one).
    policyApproval: {
      type: ['object', 'null'], description: "the approval the tenant's policies ask for before the run's first step: a member of any of groups decides it (approval_decide)",
      properties: { approvalId: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } }, policies: { type: 'array', items: { type: 'string' } }, granted: { type: 'boolean' } },
      required: ['groups', 'policies'],
    },
  },
  required: ['runId', 'automation', 'version', 'status'],
} as const;

/** A started run, or with dryRun the plan (docs/automations.md, "Dry runs"). Clients check results against it, so both shapes are in. */
const OUTPUT_SCHEMA = {
  type: 'object',
  anyOf: [
    RUN_OUTPUT_SCHEMA,
    {
      type: 'object',
      properties: { dryRunId: { type: 'string' }, automation: { type: 'string' }, version: { type: 'integer' }, outcome: { type: 'string' }, error: { type: ['object', 'null'] }, steps: { type: 'array', items: { type: 'object' } } },
      required: ['dryRunId', 'automation', 'version', 'outcome', 'steps'],
    },
  ],
} as const;

const DRY_RUN_PROPERTY = {
  type: 'boolean',
  description: 'true: plan the run without running it — every connector call rendered (secrets shown as "[secret]") and checked but not sent, approvals assumed granted — and return the plan instead of a runId',
} as const;

/**
 * A dry run asked for with the tool's reserved `dryRun` argument: its input is the arguments
 * without it. `dryRun` stays in what a confirmation digests, so a dry run and a live call never
 * share one (a live call's arguments can have no top-level dryRun: it is taken off).
 */
class DryRunArguments {
  readonly dryRun = true;
  constructor(readonly input: JsonObject) {}
}

/** Takes the reserved `dryRun` off the arguments (before the definition's schema sees them, so additionalProperties: false still accepts it). */
function splitDryRun(args: unknown): { input: unknown; dryRun: boolean } {
  if (typeof args !== 'object' || args === null || Array.isArray(args) || !Object.hasOwn(args, DRY_RUN_ARGUMENT)) return { input: args ?? {}, dryRun: false };
  const { [DRY_RUN_ARGUMENT]: dryRun, ...input } = args as Record<string, unknown>;
  if (typeof dryRun !== 'boolean') throw invalidArguments([{ path: DRY_RUN_ARGUMENT, message: 'must be a boolean' }]);
  return { input, dryRun };
}

/**
 * Every published automation is a tool of its tenant: its name, its own scope, its input schema.
 * Calling it starts a run of the live version and answers at once with the run id; the agent
 * follows the run with run_get. A run started while a shadow version exists names it, and is
 * compared with it when it ends.
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
    return (await this.catalog.live(tenantId)).map((automation) => this.toolOf(tenantId, automation));
  }

  async findTool(tenantId: string, name: string): Promise<RegisteredTool | undefined> {
    const automation = await this.catalog.liveOf(tenantId, name);
    return automation && this.toolOf(tenantId, automation);
  }

  private toolOf(tenantId: string, automation: LiveAutomation): RegisteredTool {
    const key = `${tenantId}\u0000${automation.name}\u0000${automation.version}\u0000${automation.shadow?.version ?? 0}`;
    let tool = this.tools.get(key);
    if (!tool) {
      tool = this.build(automation);
      this.tools.set(key, tool);
    }
    return tool;
  }

  private build({ name, version, definition, shadow }: LiveAutomation): RegisteredTool {
    const validate = compileInputValidator(definition.inputSchema);
    const commandBus = this.commandBus;
    const listing: Tool = {
      name,
      title: definition.title,
      description: `${definition.description}\n\nStarts a run (automation ${name}, version ${version}) and returns its runId at once; follow it with run_get. With dryRun: true, returns the plan of a run instead and sends nothing.`,
      inputSchema: withDryRun(definition.inputSchema) as Tool['inputSchema'],
      outputSchema: OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
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
        const { input, dryRun } = splitDryRun(args);
        const issues = validate(input);
        if (issues.length > 0) throw invalidArguments(issues);
        return dryRun ? new DryRunArguments(input as JsonObject) : input;
      },
      handler: {
        execute: (input, { metadata, policyApproval }): Promise<StartRunResult | DryRunPlan> => input instanceof DryRunArguments
          ? commandBus.execute(new DryRunCommand(metadata, name, version, input.input, policyApproval))
          : commandBus.execute(new StartRunCommand(metadata, name, version, input as JsonObject, shadow?.version, policyApproval)),
      },
      // A run waits for the approval the tenant's policies ask for before its first step; its dry run plans that wait.
      canAwaitApproval: () => true,
      // The run is the task: a client that follows tasks gets its id, and the run's result when it ends. A dry run is over when it answers: no task.
      taskIdOf: (output) => (output as Partial<StartRunResult>).runId,
      // A dry run is judged on the input a run would start with: what a policy refuses live, it refuses in the preview too.
      policyArguments: (input) => (input instanceof DryRunArguments ? input.input : input),
    };
  }
}

/** The definition's input schema with the reserved dryRun argument listed (publishing refuses a schema that declares it). */
function withDryRun(schema: JsonObject): JsonObject {
  const properties = typeof schema['properties'] === 'object' && schema['properties'] !== null && !Array.isArray(schema['properties']) ? schema['properties'] : {};
  return { ...schema, properties: { ...properties, [DRY_RUN_ARGUMENT]: DRY_RUN_PROPERTY } };
}
