import { OTHERWISE_OUTCOMES } from './automation-step.schema.js';
import type { DefinitionIssue } from './definition-issues.js';
import { recordField, stepPath, stringField, type StepOutline } from './step-outline.js';

/** Duplicate ids, condition jumps that do not go forward, and connectors (of calls, compensations and approval notices) the tenant does not have. */
export function stepGraphIssues(outlines: readonly StepOutline[], knownConnectors: ReadonlySet<string> | undefined): DefinitionIssue[] {
  return [...duplicateIdIssues(outlines), ...jumpIssues(outlines), ...(knownConnectors ? connectorIssues(outlines, knownConnectors) : [])];
}

function duplicateIdIssues(outlines: readonly StepOutline[]): DefinitionIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: DefinitionIssue[] = [];
  for (const { index, id } of outlines) {
    if (id === undefined) continue;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else issues.push({ path: stepPath(index, 'id'), message: `duplicate step id "${id}" (already used by steps.${first})` });
  }
  return issues;
}

// Jumps only go forward, so every run reaches the end of the list and terminates.
function jumpIssues(outlines: readonly StepOutline[]): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  for (const { index, type, fields } of outlines) {
    const otherwise = stringField(fields, 'otherwise');
    if (type !== 'condition' || otherwise === undefined || (OTHERWISE_OUTCOMES as readonly string[]).includes(otherwise)) continue;
    const target = outlines.find((outline) => outline.id === otherwise);
    if (target === undefined) {
      issues.push({ path: stepPath(index, 'otherwise'), message: `no step has the id "${otherwise}"; use "complete", "fail" or the id of a later step` });
    } else if (target.index <= index) {
      issues.push({ path: stepPath(index, 'otherwise'), message: `"${otherwise}" is not after this step (it is steps.${target.index}); otherwise may only jump forward, so that every run ends` });
    }
  }
  return issues;
}

function connectorIssues(outlines: readonly StepOutline[], knownConnectors: ReadonlySet<string>): DefinitionIssue[] {
  const known = knownConnectors.size === 0 ? 'this tenant has no connectors yet' : `known: ${[...knownConnectors].sort().join(', ')}`;
  const issues: DefinitionIssue[] = [];
  for (const { index, type, fields } of outlines) {
    const uses: Array<[string | undefined, string]> = type === 'call'
      ? [[stringField(fields, 'connector'), stepPath(index, 'connector')], [stringField(recordField(fields, 'compensate') ?? {}, 'connector'), stepPath(index, 'compensate', 'connector')]]
      : type === 'approval' ? [[stringField(recordField(fields, 'notify') ?? {}, 'connector'), stepPath(index, 'notify', 'connector')]] : [];
    for (const [connector, path] of uses) {
      if (connector !== undefined && !knownConnectors.has(connector)) issues.push({ path, message: `unknown connector ${connector} (${known})` });
    }
  }
  return issues;
}
