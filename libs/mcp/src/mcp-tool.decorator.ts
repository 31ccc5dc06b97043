import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { CommandMetadata } from '#core';
import type { z } from 'zod';
import type { PolicyApproval } from './tool-policy.port.js';

export const MCP_TOOL = Symbol('MCP_TOOL');

/** The four hints of the MCP spec, stated for every tool so none is left to a default. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface McpToolDefinition<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** The scope a caller's token must carry to see and call the tool. */
  scope: string;
  input: Input;
  output: Output;
  /** A class-validator DTO the arguments must also satisfy (whitelist, no unknown properties). */
  dto?: new () => object;
  annotations: ToolAnnotations;
}

/** What a tool knows of the call: the verified caller and the request's causal metadata. */
export interface ToolContext {
  metadata: CommandMetadata;
  /** Set when the tenant's policies let the call go on only after a group's approval (a tool that said it can wait: RegisteredTool.canAwaitApproval). */
  policyApproval?: PolicyApproval;
}

export interface McpToolHandler<Input, Output> {
  execute(input: Input, context: ToolContext): Promise<Output>;
}

/** Marks a provider as an MCP tool; the registry discovers it at start-up. One tool per file. */
export function McpTool(definition: McpToolDefinition): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(MCP_TOOL, definition));
}
