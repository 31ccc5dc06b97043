export * from './definition/index.js';
export * from './automation.module.js';
export { AUTOMATIONS_ADMIN_SCOPE, automationScope } from './automation/automation-stream.js';
export * from './run/run-scopes.js';
export * from './run/run.events.js';
export type { RunSchedulerSettings } from './run/process/run-scheduler.settings.js';
export { RunScheduler } from './run/process/run-scheduler.js';
export type { RunFailure, RunFailureHandler } from './run/process/run-failure.js';
