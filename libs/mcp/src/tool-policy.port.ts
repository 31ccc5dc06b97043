import type { CommandMetadata } from '#core';

/** The tenant's policies over tool calls, if a module provides them (#policies does); #mcp knows only this port. */
export const TOOL_POLICY = Symbol('TOOL_POLICY');

/** A call at the point its policies see it: the caller, the tool, and its arguments as the tool's schema accepted them. */
export interface PolicyCheckedCall {
  metadata: CommandMetadata;
  tool: string;
  scope: string;
  input: unknown;
  /**
   * The call starts work that can wait for an approval (an automation's run): a decision that asks
   * for a group's approval then lets it through with a PolicyApproval instead of refusing it.
   */
  canAwaitApproval: boolean;
}

/** The approval the tenant's enforced policies ask for before the call's work goes on: by a member of any of `groups`, asked by `policies`. */
export interface PolicyApproval {
  groups: string[];
  policies: string[];
}

/**
 * What the policies let a call do: run, or (a call that can wait) run only once a group approves.
 * `recorded`, when the evaluation is recorded, settles once that record is durable: the front door
 * lets the tool run meanwhile and awaits it before it answers. It resolves with the error that
 * kept the record from being appended, if any, and never rejects (the tool may still be running).
 */
export type PolicyVerdict = ({ decision: 'allow' } | { decision: 'approval_required'; approval: PolicyApproval }) & { recorded?: Promise<Error | undefined> };

export interface ToolPolicy {
  /**
   * Resolves with the verdict when the tenant's policies let the call run; throws a DomainError to
   * refuse it (the tool then never runs). A refusal's record is appended before it throws; a
   * verdict's is under way (`recorded`), enqueued before the tool can append anything.
   */
  check(call: PolicyCheckedCall): Promise<PolicyVerdict>;
}
