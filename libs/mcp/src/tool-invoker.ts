import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { DomainError, jsonDepthExceeds, MAX_REQUEST_JSON_DEPTH, RateLimitedError, TokenBuckets, ValidationError, type CommandMetadata } from '#core';
import { storeUnavailableFrom } from '#event-store';
import { inSpan, markFailed, rateLimitRejections, toolCallDuration, type Span } from '#observability/nest';
import { MCP_SETTINGS, type McpSettings } from './mcp.settings.js';
import type { RegisteredTool } from './registered-tool.js';
import { ToolRegistry } from './tool-registry.js';
import { TOOL_POLICY, type ToolPolicy } from './tool-policy.port.js';
import { UrlElicitationNeeded } from './url-elicitation.js';

/** What a call produced: its tool result and, for a tool whose calls are tasks, the task's id. */
export interface CallOutcome {
  result: CallToolResult;
  taskId?: string;
}

export interface CallOptions {
  /**
   * Runs once the call is known good (scope, rate, depth, arguments) and before the tool: the
   * place a confirmation is demanded. What it throws that is not a DomainError (the endpoint's
   * own signals) leaves the invoker as thrown; a DomainError becomes the call's tool error.
   */
  beforeExecute?: (tool: RegisteredTool, input: unknown) => Promise<void>;
}

/**
 * Thrown by a `beforeExecute` hook to stop the call with an answer of the endpoint's own making,
 * not a tool result: a result of another kind (input_required) to return, or a protocol error to throw.
 */
export class CallInterrupted extends Error {
  constructor(readonly reason: string, readonly answer: { result: Record<string, unknown> } | { error: Error }) {
    super(`the call stopped before its tool ran: ${reason}`);
  }
}

/**
 * Runs one tools/call: the caller's scope, the tenant's rate on the tool, the tool's schema,
 * the tenant's policies (when a module provides them), then the tool. Every refusal is a tool result with `isError` and a stable code (the model can
 * read and correct it); nothing reaches the tool, and so nothing is appended, unless all pass.
 */
@Injectable()
export class ToolInvoker {
  private readonly logger = new Logger(ToolInvoker.name);
  private readonly rates: TokenBuckets;

  constructor(
    private readonly registry: ToolRegistry,
    @Inject(MCP_SETTINGS) settings: McpSettings,
    @Optional() @Inject(TOOL_POLICY) private readonly policy?: ToolPolicy,
  ) {
    this.rates = new TokenBuckets({ ratePerSec: settings.toolRateLimit.perSecond, burst: settings.toolRateLimit.burst });
  }

  async list(tenantId: string, scopes: readonly string[]): Promise<Tool[]> {
    return (await this.registry.visibleTo(tenantId, scopes)).map((tool) => tool.listing);
  }

  /** One span per call (`tools/call <tool>`, its tenant and outcome; never its arguments), in which the command's appends nest. */
  async call(name: string, args: unknown, metadata: CommandMetadata, options: CallOptions = {}): Promise<CallToolResult> {
    return (await this.run(name, args, metadata, options)).result;
  }

  /** As `call`, with the task id of a task-capable tool's call. */
  run(name: string, args: unknown, metadata: CommandMetadata, options: CallOptions = {}): Promise<CallOutcome> {
    return inSpan('tools/call', { attributes: { 'mcp.method.name': 'tools/call', 'ledgerline.tenant.id': metadata.tenantId } }, (span) => this.invoke(name, args, metadata, options, span));
  }

  private async invoke(name: string, args: unknown, metadata: CommandMetadata, options: CallOptions, span: Span): Promise<CallOutcome> {
    const timer = toolCallDuration.startTimer();
    const end = (labels: { tool: string; outcome: string }): void => {
      timer(labels);
      describeToolSpan(span, labels.tool === 'unknown' ? undefined : name, labels);
    };
    let label = 'unknown';
    try {
      // Scope and rate first, from the name alone: a call the caller may not make, or one over its
      // tenant's rate, is refused without a read (a noisy tenant's excess costs the others nothing).
      const scope = this.registry.scopeFor(name);
      if (scope === undefined || !metadata.scopes.includes(scope)) throw unknownTool(name);
      // Tenants name their automation tools: one label for all of them keeps the metric's size bounded.
      label = scope.startsWith('automation:') ? 'automation' : name;
      const rate = this.rates.get(`${metadata.tenantId}\u0000${name}`).tryTake();
      if (!rate.ok) {
        rateLimitRejections.inc({ tool: label });
        throw new RateLimitedError('tool.rate_limited', `too many calls of ${name} for this tenant; retry in ${rate.retryAfterMs} ms`, rate.retryAfterMs, { tool: name });
      }
      // Before any schema sees them: the schemas validate recursively.
      if (jsonDepthExceeds(args, MAX_REQUEST_JSON_DEPTH)) {
        throw new ValidationError('tool.arguments_too_deep', `the arguments of ${name} nest more than ${MAX_REQUEST_JSON_DEPTH} levels deep`, { tool: name, maxDepth: MAX_REQUEST_JSON_DEPTH });
      }
      const tool = await this.registry.resolve(metadata.tenantId, name);
      if (!tool || tool.scope !== scope) {
        label = 'unknown';
        throw unknownTool(name);
      }
      const input = await tool.parse(args);
      // The tenant's policies see the arguments as the tool will (parsed), and refuse before any confirmation is asked for.
      const verdict = await this.policy?.check({ metadata, tool: name, scope, input: tool.policyArguments ? tool.policyArguments(input) : input, canAwaitApproval: tool.canAwaitApproval?.(input) ?? false });
      let output: unknown;
      try {
        await options.beforeExecute?.(tool, input);
        const approval = verdict?.decision === 'approval_required' ? { policyApproval: verdict.approval } : {};
        output = await tool.handler.execute(input, { metadata: { ...metadata, tool: name }, ...approval });
      } finally {
        // The evaluation's record, under way while the tool ran, is durable before any answer.
        const unrecorded = await verdict?.recorded;
        if (unrecorded !== undefined) throw unrecorded;
      }
      end({ tool: label, outcome: 'ok' });
      const result: CallToolResult = { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output as Record<string, unknown> };
      const taskId = tool.taskIdOf?.(output);
      return taskId === undefined ? { result } : { result, taskId };
    } catch (thrown) {
      if (thrown instanceof CallInterrupted || thrown instanceof UrlElicitationNeeded) {
        end({ tool: label, outcome: thrown instanceof CallInterrupted ? thrown.reason : 'elicitation' });
        throw thrown;
      }
      const error = thrown instanceof DomainError ? thrown : (storeUnavailableFrom(thrown) ?? thrown);
      end({ tool: label, outcome: error instanceof DomainError ? error.kind : 'internal' });
      return { result: this.toToolError(name, error) };
    }
  }

  toToolError(name: string, error: unknown): CallToolResult {
    const known = error instanceof DomainError;
    if (!known) this.logger.error(`tool ${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    const body = known
      ? { error: { code: error.code, kind: error.kind, message: error.message, details: error.details } }
      : { error: { code: 'internal', kind: 'internal', message: 'the tool failed; the error was logged' } };
    return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] };
  }
}

/** An invisible tool answers like a missing one: no probing for tools one may not call. (Its name is not a metric label either: labels are bounded to known tools.) */
function unknownTool(name: string): ValidationError {
  return new ValidationError('tool.unknown', `unknown tool ${name}`, { tool: name });
}

/** The tool span's name and attributes: the tool (a known one only, as callers name anything) and the outcome. */
function describeToolSpan(span: Span, tool: string | undefined, labels: { tool: string; outcome: string }): void {
  span.updateName(`tools/call ${labels.tool}`);
  if (tool !== undefined) span.setAttribute('gen_ai.tool.name', tool);
  span.setAttribute('ledgerline.outcome', labels.outcome);
  // A refused call (validation, scope, rate) is the caller's error, answered as designed; only an internal one fails the span.
  if (labels.outcome === 'internal') markFailed(span, 'internal');
  else if (labels.outcome !== 'ok') span.setAttribute('error.type', labels.outcome);
}
