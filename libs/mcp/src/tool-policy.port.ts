import type { CommandMetadata } from '#core';

/** The tenant's policies over tool calls, if a module provides them (#policies does); #mcp knows only this port. */
export const TOOL_POLICY = Symbol('TOOL_POLICY');

/** A call at the point its policies see it: the caller, the tool, and its arguments as the tool's schema accepted them. */
export interface PolicyCheckedCall {
  metadata: CommandMetadata;
  tool: string;
  scope: string;
  input: unknown;
}

export interface ToolPolicy {
  /**
   * Resolves when the tenant's policies let the call run; throws a DomainError to refuse it (the
   * tool then never runs). Whatever it records of the evaluation is appended before it answers.
   */
  check(call: PolicyCheckedCall): Promise<void>;
}
