import type { AutomationDefinition } from './automation-definition.schema.js';

/** Every connector a run of the definition may call (its steps', their compensations' and its approvals' notices), sorted. */
export function connectorNamesOf(definition: AutomationDefinition): string[] {
  const names = new Set<string>();
  for (const step of definition.steps) {
    if (step.type === 'approval' && step.notify) names.add(step.notify.connector);
    if (step.type !== 'call') continue;
    names.add(step.connector);
    if (step.compensate) names.add(step.compensate.connector);
  }
  return [...names].sort();
}
