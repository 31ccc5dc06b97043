import { ForbiddenError, NotFoundError, ValidationError } from '#core';

/** Where in the policy text an error is: byte offsets as Cedar reports them, and the 1-based line and column they fall on. */
export interface PolicyErrorPosition {
  start: number;
  end: number;
  line: number;
  column: number;
}

export interface PolicyIssue {
  message: string;
  help: string | null;
  /** Absent when Cedar names no place (an error about the whole text). */
  position?: PolicyErrorPosition;
}

/** The text does not parse, breaks the Ledgerline schema, or misuses @requireApproval: every issue with its position. */
export class InvalidPolicyError extends ValidationError {
  constructor(name: string, issues: PolicyIssue[]) {
    super('policy.invalid', `policy ${name} is invalid: ${issues.map(describeIssue).join('; ')}`, { policy: name, issues });
  }
}

export class InvalidPolicyInputError extends ValidationError {}

export class PolicyNotFoundError extends NotFoundError {
  constructor(name: string) {
    super('policy.not_found', `no policy named ${name}`, { policy: name });
  }
}

/** An enforced policy forbids the call: the tool did not run. */
export class PolicyDeniedError extends ForbiddenError {
  constructor(tool: string, policies: readonly string[]) {
    super('policy.denied', `the tenant's policy ${policies.join(', ')} forbids this call of ${tool}`, { tool, policies: [...policies] });
  }
}

/** An enforced policy asks for an approval by a group before such a call: the tool did not run. */
export class PolicyApprovalRequiredError extends ForbiddenError {
  constructor(tool: string, policies: readonly string[], groups: readonly string[]) {
    super('policy.approval_required', `this call of ${tool} needs an approval by ${groups.join(' or ')} (policy ${policies.join(', ')})`, { tool, policies: [...policies], groups: [...groups] });
  }
}

/** An enforced policy could not be evaluated for the call: refused, as a broken policy never opens access. */
export class PolicyEvaluationFailedError extends ForbiddenError {
  constructor(tool: string, policies: readonly string[]) {
    super('policy.evaluation_failed', `the tenant's policies could not be evaluated for this call of ${tool}; it is refused`, { tool, policies: [...policies] });
  }
}

function describeIssue(issue: PolicyIssue): string {
  return issue.position ? `${issue.position.line}:${issue.position.column}: ${issue.message}` : issue.message;
}
