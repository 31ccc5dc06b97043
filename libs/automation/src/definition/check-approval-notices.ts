import type { DefinitionIssue } from './definition-issues.js';
import { recordField, stepPath, type StepOutline } from './step-outline.js';

/**
 * An approval's reminders and escalation need a connector to go to, and must fall before the
 * approval's deadline: a notice due at or after it would never be sent (the approval expires first).
 */
export function approvalNoticeIssues(outlines: readonly StepOutline[]): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  for (const { index, type, fields } of outlines) {
    if (type !== 'approval') continue;
    const reminders = recordField(fields, 'reminders');
    const escalation = recordField(fields, 'escalation');
    if ((reminders || escalation) && fields['notify'] === undefined) {
      issues.push({ path: stepPath(index, 'notify'), message: 'is required when reminders or escalation are declared: name the connector that receives them ({ "connector": "<name>" })' });
    }
    const timeout = fields['timeoutSeconds'];
    if (typeof timeout !== 'number') continue;
    const every = reminders?.['everySeconds'];
    if (typeof every === 'number' && every >= timeout) {
      issues.push({ path: stepPath(index, 'reminders', 'everySeconds'), message: `${every} is not before timeoutSeconds (${timeout}): no reminder would be sent before the approval expires` });
    }
    const after = escalation?.['afterSeconds'];
    if (typeof after === 'number' && after >= timeout) {
      issues.push({ path: stepPath(index, 'escalation', 'afterSeconds'), message: `${after} is not before timeoutSeconds (${timeout}): the approval would expire before it escalates` });
    }
  }
  return issues;
}
