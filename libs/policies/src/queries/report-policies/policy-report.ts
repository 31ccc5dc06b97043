import type { PolicyDecision } from '../../cedar/policy-evaluation.js';
import type { PolicyMode } from '../../policy.events.js';

/** Evaluations of one mode's policies since the report's start, by decision. */
export interface ModeEvaluations {
  mode: PolicyMode;
  total: number;
  allow: number;
  deny: number;
  approvalRequired: number;
  error: number;
}

export interface PolicyExample {
  tool: string;
  userId: string;
  decision: PolicyDecision;
  at: string;
}

/**
 * What one policy did in one mode: the calls it denied, sent for approval, or failed to evaluate.
 * In log-only mode these are the calls enforcing it would have refused.
 */
export interface PolicyActivity {
  policy: string;
  mode: PolicyMode;
  deny: number;
  approvalRequired: number;
  error: number;
  latest: PolicyExample[];
}

export interface PolicyReport {
  since: string | null;
  evaluations: ModeEvaluations[];
  policies: PolicyActivity[];
}

export interface PolicyReportFilter {
  since?: string;
  policy?: string;
  /** Examples per policy and mode, newest first. */
  limit: number;
}
