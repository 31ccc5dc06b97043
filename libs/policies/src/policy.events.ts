import type { DomainEvent } from '#core';

export type PolicyMode = 'enforce' | 'log-only';
export const POLICY_MODES: readonly PolicyMode[] = ['enforce', 'log-only'];

/** A new version of a named policy: its Cedar text (validated against the Ledgerline schema) and the mode it runs in. */
export type PolicyPublished = DomainEvent<'PolicyPublished', { name: string; version: number; text: string; mode: PolicyMode }>;
export type PolicyModeChanged = DomainEvent<'PolicyModeChanged', { name: string; version: number; mode: PolicyMode }>;
export type PolicyRemoved = DomainEvent<'PolicyRemoved', { name: string }>;
export type PolicyEvent = PolicyPublished | PolicyModeChanged | PolicyRemoved;

/**
 * One evaluation of a tenant's policies of one mode for one tool call. No argument values: they
 * may be personal data, and what a report needs is the tool, the caller and the outcome; the
 * argument names are kept (they are the tool's schema, not the caller's data).
 */
export type PolicyEvaluated = DomainEvent<'PolicyEvaluated', {
  tool: string;
  decision: 'allow' | 'deny' | 'approval_required' | 'error';
  mode: PolicyMode;
  matchedPolicies: string[];
  approvalGroups: string[];
  erroredPolicies: string[];
  argumentKeys: string[];
  userId: string;
  clientId: string;
}>;
