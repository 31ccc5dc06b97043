import type { Tool } from '@modelcontextprotocol/server';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ValidationError } from '#core';
import { z } from 'zod';
import type { McpToolDefinition, McpToolHandler } from './mcp-tool.decorator.js';
import { toolIcons } from './tool-icons.js';

/**
 * A tool as the front door serves it, whether a provider declared it with @McpTool or a tool
 * source made it for one tenant (a published automation): how it is listed, the scope it needs,
 * how its arguments are checked, and what runs it.
 */
export interface RegisteredTool {
  readonly name: string;
  readonly scope: string;
  readonly listing: Tool;
  /** The arguments checked and normalised; a ValidationError ('tool.invalid_arguments') otherwise. */
  parse(args: unknown): Promise<unknown>;
  readonly handler: McpToolHandler<unknown, unknown>;
  /**
   * Set for a tool whose call starts long-running work that can be followed as a task: the task id
   * in its output (the call itself still answers at once), or undefined when this call started
   * none (e.g. an automation's dry run). The registry's task source reads it.
   */
  readonly taskIdOf?: (output: unknown) => string | undefined;
  /**
   * What the tenant's policies see as the call's arguments, where the parsed input is not that
   * (an automation's dry run wraps the run's input): the parsed input itself without it.
   */
  readonly policyArguments?: (input: unknown) => unknown;
  /**
   * Whether this call can wait for an approval the tenant's policies ask for (an automation's run
   * waits before its first step; its dry run lists the wait): it is then given the approval in its
   * context instead of being refused. Other tools' calls are refused (`policy.approval_required`).
   */
  readonly canAwaitApproval?: (input: unknown) => boolean;
}

export type ToolIssue = { path: string; message: string };

export function invalidArguments(issues: ToolIssue[]): ValidationError {
  return new ValidationError('tool.invalid_arguments', `invalid arguments: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { issues });
}

/** A tool declared with @McpTool: zod for the schema, optionally a class-validator DTO on top. */
export function declaredTool(definition: McpToolDefinition, handler: McpToolHandler<unknown, unknown>): RegisteredTool {
  return {
    name: definition.name,
    scope: definition.scope,
    listing: {
      name: definition.name,
      title: definition.title,
      description: definition.description,
      inputSchema: z.toJSONSchema(definition.input, { io: 'input' }) as Tool['inputSchema'],
      outputSchema: z.toJSONSchema(definition.output, { io: 'output' }) as Tool['outputSchema'],
      annotations: { title: definition.title, ...definition.annotations },
      icons: toolIcons(definition.name, definition.scope),
    },
    async parse(args) {
      const parsed = definition.input.safeParse(args ?? {});
      if (!parsed.success) throw invalidArguments(parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
      if (definition.dto) {
        const errors = await validate(plainToInstance(definition.dto, parsed.data), { whitelist: true, forbidNonWhitelisted: true });
        if (errors.length > 0) throw invalidArguments(errors.map((e) => ({ path: e.property, message: Object.values(e.constraints ?? {}).join(', ') })));
      }
      return parsed.data;
    },
    handler,
  };
}
