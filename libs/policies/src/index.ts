export * from './policy.events.js';
export * from './policy.errors.js';
export { POLICIES_ADMIN_SCOPE, POLICIES_READ_SCOPE, POLICIES_STREAM, policyEvaluationsStream } from './policy-stream.js';
export { LEDGERLINE_CEDAR_SCHEMA } from './cedar/ledgerline-schema.js';
export { validatePolicyText, type PolicyStatement } from './cedar/policy-validation.js';
export { CompiledPolicySet, type PolicyDecision, type PolicyEvaluation, type PolicyRequest } from './cedar/policy-evaluation.js';
export { policyEvaluationsProjection } from './projections/policy-evaluations.projection.js';
