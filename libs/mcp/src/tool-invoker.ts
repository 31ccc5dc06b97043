import { Injectable, Logger } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, ValidationError, type CommandMetadata } from '#core';
import { z } from 'zod';
import { ToolRegistry, type RegisteredTool } from './tool-registry.js';

/**
 * Runs one tools/call: the caller's scope, the tool's schema, its DTO, then the tool. Every
 * refusal is a tool result with `isError` and a stable code (the model can read and correct it);
 * nothing reaches the tool, and so nothing is appended, unless all checks pass.
 */
@Injectable()
export class ToolInvoker {
  private readonly logger = new Logger(ToolInvoker.name);

  constructor(private readonly registry: ToolRegistry) {}

  list(scopes: readonly string[]): Tool[] {
    return this.registry.visibleTo(scopes).map(({ definition }) => ({
      name: definition.name,
      title: definition.title,
      description: definition.description,
      inputSchema: z.toJSONSchema(definition.input, { io: 'input' }) as Tool['inputSchema'],
      outputSchema: z.toJSONSchema(definition.output, { io: 'output' }) as Tool['outputSchema'],
      annotations: { title: definition.title, ...definition.annotations },
    }));
  }

  async call(name: string, args: unknown, metadata: CommandMetadata): Promise<CallToolResult> {
    const tool = this.registry.get(name);
    try {
      if (!tool || !metadata.scopes.includes(tool.definition.scope)) {
        // An invisible tool answers like a missing one: no probing for tools one may not call.
        throw new ValidationError('tool.unknown', `unknown tool ${name}`, { tool: name });
      }
      const input = await this.validate(tool, args);
      const output = await tool.handler.execute(input, { metadata: { ...metadata, tool: name } });
      return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output as Record<string, unknown> };
    } catch (error) {
      return this.toToolError(name, error);
    }
  }

  private async validate(tool: RegisteredTool, args: unknown): Promise<unknown> {
    const parsed = tool.definition.input.safeParse(args ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      throw new ValidationError('tool.invalid_arguments', `invalid arguments: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { issues });
    }
    if (tool.definition.dto) {
      const errors = await validate(plainToInstance(tool.definition.dto, parsed.data), { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) {
        const issues = errors.map((e) => ({ path: e.property, message: Object.values(e.constraints ?? {}).join(', ') }));
        throw new ValidationError('tool.invalid_arguments', `invalid arguments: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
      }
    }
    return parsed.data;
  }

  private toToolError(name: string, error: unknown): CallToolResult {
    const known = error instanceof DomainError;
    if (!known) this.logger.error(`tool ${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    const body = known
      ? { error: { code: error.code, kind: error.kind, message: error.message, details: error.details } }
      : { error: { code: 'internal', kind: 'internal', message: 'the tool failed; the error was logged' } };
    return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] };
  }
}

