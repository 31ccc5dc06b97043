import type { PolicyMode } from '#policies';

/** The REST answers the policies pages render: libs/policies' own types, as GET /v1/policies, GET /v1/policy-report and the changes answer them. */
export type { PolicyActivity, PolicyChangeResult, PolicyDecision, PolicyExample, PolicyMode, PolicyReport, PolicySummary } from '#policies';

/** A mode as a form sends it (a type-only import: the console loads nothing of the policies library). */
export function isPolicyMode(value: string): value is PolicyMode {
  return value === 'log-only' || value === 'enforce';
}
