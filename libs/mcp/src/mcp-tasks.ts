import { ProtocolError, ProtocolErrorCode, type CallToolResult } from '@modelcontextprotocol/server';
import { DomainError } from '#core';
import type { ToolTask } from './tool-tasks.js';

/** The 2026-07-28 tasks extension's identifier (ext-tasks): declared per request by clients, advertised in server/discover. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
/** The clients that follow tasks are told to poll about this often. */
export const TASK_POLL_INTERVAL_MS = 1000;
const RELATED_TASK = 'io.modelcontextprotocol/related-task';

/**
 * A task in the 2025-11-25 revision's words (basic/utilities/tasks): a failed run is `failed`
 * (its tool result is an error), `ttl` null (a run's record is kept as long as its stream).
 */
export function legacyTask(task: ToolTask): Record<string, unknown> {
  return {
    taskId: task.taskId,
    status: task.status,
    ...(task.statusMessage !== undefined && { statusMessage: task.statusMessage }),
    createdAt: task.createdAt,
    lastUpdatedAt: task.lastUpdatedAt,
    ttl: null,
    pollInterval: TASK_POLL_INTERVAL_MS,
  };
}

/**
 * A task in the 2026-07-28 tasks extension's words (a DetailedTask): `failed` is kept for JSON-RPC
 * errors there, so a run that failed is `completed` with an `isError` result; a run waiting for an
 * approval is `input_required` with a URL elicitation to the approval page (the client shows it;
 * the requester cannot decide it, an approver can).
 */
export function modernTask(task: ToolTask, publicUrl: string): Record<string, unknown> {
  const status = task.status === 'failed' ? 'completed' : task.status;
  return {
    taskId: task.taskId,
    status,
    ...(task.statusMessage !== undefined && { statusMessage: task.statusMessage }),
    createdAt: task.createdAt,
    lastUpdatedAt: task.lastUpdatedAt,
    ttlMs: null,
    pollIntervalMs: TASK_POLL_INTERVAL_MS,
    ...(task.result !== undefined && { result: task.result }),
    ...(status === 'input_required' && task.waitingFor && {
      inputRequests: {
        [task.waitingFor.key]: { method: 'elicitation/create', params: { mode: 'url', message: task.waitingFor.message, url: new URL(task.waitingFor.url, publicUrl).href } },
      },
    }),
  };
}

/** The answer to 2025-11-25 `tasks/result` once the task is terminal: the call's own result, tied to its task. */
export function legacyTaskResult(task: ToolTask): CallToolResult {
  const result: CallToolResult = task.result ?? { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: { code: 'task.cancelled', kind: 'conflict', message: task.statusMessage ?? 'the task was cancelled' } }) }] };
  return { ...result, _meta: { ...result._meta, [RELATED_TASK]: { taskId: task.taskId } } };
}

/** The seed a tools/call answers with when it became a task: the result shapes of both revisions carry a text for readers that show content. */
export function taskStartedContent(task: ToolTask): CallToolResult['content'] {
  return [{ type: 'text', text: `Started as task ${task.taskId} (${task.statusMessage ?? task.status}); poll tasks/get for its state and result.` }];
}

export function isTerminal(task: ToolTask): boolean {
  return task.status === 'completed' || task.status === 'failed' || task.status === 'cancelled';
}

/**
 * A refused tasks/* request is a JSON-RPC error, -32602 Invalid params as both revisions say for
 * an unknown or finished task, with the platform's stable code in `data` (a task the caller may
 * not see is as unknown as one that never was).
 */
export function taskRequestError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  return new ProtocolError(ProtocolErrorCode.InvalidParams, error.message, { code: error.code });
}
