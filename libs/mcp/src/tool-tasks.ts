import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { CommandMetadata } from '#core';
import type { CallToolResult } from '@modelcontextprotocol/server';

export const MCP_TASK_SOURCE = Symbol('MCP_TASK_SOURCE');

/**
 * A task's state as its source knows it, the same for every protocol revision (the endpoint
 * writes it in the revision's own vocabulary). `failed` is the work's failure (the result then is
 * an `isError` tool result); the 2026-07-28 tasks extension calls that `completed`, 2025-11-25 `failed`.
 */
export type ToolTaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

export interface ToolTask {
  taskId: string;
  status: ToolTaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  /** The tool result the call's work ended with: completed and failed only. */
  result?: CallToolResult;
  /** input_required: what the work waits for and where a person acts on it (e.g. an approval page). */
  waitingFor?: { key: string; message: string; url: string };
}

export interface ToolTaskPage {
  tasks: ToolTask[];
  nextCursor?: string;
}

/**
 * Where tasks live: a tool whose calls are long-running work (an automation run) answers with a
 * task id, and the source reads and cancels tasks by that id for the caller, from durable state
 * only (any instance answers for any task). A task the caller may not see is not found.
 */
export interface ToolTaskSource {
  get(metadata: CommandMetadata, taskId: string): Promise<ToolTask>;
  cancel(metadata: CommandMetadata, taskId: string): Promise<ToolTask>;
  list(metadata: CommandMetadata, cursor: string | undefined): Promise<ToolTaskPage>;
}

/** Marks the provider that is the platform's ToolTaskSource (at most one); the registry discovers it. */
export function McpTaskSource(): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(MCP_TASK_SOURCE, true));
}
