/** Publishes automations: tenant administrators. */
export const AUTOMATIONS_ADMIN_SCOPE = 'automations:admin';

export function automationStreamId(name: string): string {
  return `automation-${name}`;
}

/** The scope a token needs to see and start one automation: each automation is its own tool with its own scope. */
export function automationScope(name: string): string {
  return `automation:${name}`;
}
