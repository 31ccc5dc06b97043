// Policies' Nest side: the module (commands, queries, tools, the front-door gate) and the REST.
export * from './policies.module.js';
export { TenantPolicyGate } from './evaluation/tenant-policy-gate.js';
