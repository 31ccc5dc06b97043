import type { z } from 'zod';
import { ValidationError } from '#core';

/** One problem in a definition, at a dotted path such as `steps.2.request.path` ('' is the whole definition). */
export interface DefinitionIssue {
  path: string;
  message: string;
}

// Keys that are valid somewhere else get a hint instead of a bare "unknown key".
const KEY_HINTS: Readonly<Record<string, string>> = {
  compensate: 'compensate is only allowed on call steps',
};

export function issuePath(segments: readonly PropertyKey[]): string {
  return segments.map(String).join('.');
}

/** Phrases a missing field as "required" rather than zod's "received undefined". */
export const definitionErrorMap: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? `required (${issue.expected})` : undefined;

export function zodIssues(error: z.ZodError): DefinitionIssue[] {
  return error.issues.flatMap((issue) => {
    const { path } = issue;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: issuePath([...path, key]), message: KEY_HINTS[key] ?? 'unknown key (not part of the automation definition format)' }));
    }
    // A record key's own issues say what is wrong with it; the wrapper only says "Invalid key".
    if (issue.code === 'invalid_key') return [{ path: issuePath(path), message: issue.issues.map((inner) => inner.message).join('; ') }];
    return [{ path: issuePath(path), message: issue.message }];
  });
}

/** The error a refused definition is reported with: every issue, one per line, so a reader can fix them all at once. */
export function invalidDefinitionError(issues: readonly DefinitionIssue[]): ValidationError {
  const unique = [...new Map(issues.map((issue) => [`${issue.path}\n${issue.message}`, issue])).values()]
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  const lines = unique.map((issue) => `- ${issue.path === '' ? '(definition)' : issue.path}: ${issue.message}`);
  const count = unique.length === 1 ? '1 issue' : `${unique.length} issues`;
  return new ValidationError('automation.invalid', `the automation definition is invalid (${count}):\n${lines.join('\n')}`, { issues: unique });
}
