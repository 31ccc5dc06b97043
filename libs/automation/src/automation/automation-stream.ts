import { AUTOMATION_NAME_PATTERN } from '../definition/automation-definition.schema.js';

/** Publishes automations: tenant administrators. */
export const AUTOMATIONS_ADMIN_SCOPE = 'automations:admin';

export function automationStreamId(name: string): string {
  return `automation-${name}`;
}

/** The scope a token needs to see and start one automation: each automation is its own tool with its own scope. */
export function automationScope(name: string): string {
  return `automation:${name}`;
}

const AUTOMATION_SCOPE_PREFIX = 'automation:';

/** Whether `scope` is the scope of some automation (one whose name a definition may have), published or not. */
export function isAutomationScope(scope: string): boolean {
  return scope.startsWith(AUTOMATION_SCOPE_PREFIX) && AUTOMATION_NAME_PATTERN.test(scope.slice(AUTOMATION_SCOPE_PREFIX.length));
}
