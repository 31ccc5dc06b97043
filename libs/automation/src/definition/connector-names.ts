import type { AutomationDefinition } from './automation-definition.schema.js';

/** Every connector a run of the definition may call (its steps' and their compensations'), sorted. */
export function connectorNamesOf(definition: AutomationDefinition): string[] {
  const names = new Set<string>();
  for (const step of definition.steps) {
    if (step.type !== 'call') continue;
    names.add(step.connector);
    if (step.compensate) names.add(step.compensate.connector);
  }
  return [...names].sort();
}
