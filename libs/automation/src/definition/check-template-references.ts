import type { DefinitionIssue } from './definition-issues.js';
import { isRecord, recordField, stepPath, stringField, type StepOutline } from './step-outline.js';
import { findPlaceholders, parseReference } from './template-reference.js';
import { parseIsoInstant } from './wait-until.js';

interface TemplateString {
  path: string;
  text: string;
  /** A compensation may read the output of the step it undoes. */
  ownOutputVisible: boolean;
}

interface ReferenceScope {
  outlines: readonly StepOutline[];
  stepIndex: number;
  ownOutputVisible: boolean;
  declaredInputs: ReadonlySet<string> | undefined;
}

const RUN_FIELDS: readonly string[] = ['id', 'startedBy'];
const ROOTS_HINT = 'use input.<property>, steps.<id>.output…, run.id or run.startedBy';

/**
 * Every reference in every template, and every condition path, must resolve at run time: input
 * properties the schema declares, outputs of call steps that ran before, or the run's own fields.
 */
export function templateReferenceIssues(outlines: readonly StepOutline[], declaredInputs: ReadonlySet<string> | undefined): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  for (const outline of outlines) {
    const scope = { outlines, stepIndex: outline.index, ownOutputVisible: false, declaredInputs };
    for (const template of templateStrings(outline)) {
      for (const { ref } of findPlaceholders(template.text)) {
        const problem = referenceProblem(ref, { ...scope, ownOutputVisible: template.ownOutputVisible });
        if (problem) issues.push({ path: template.path, message: `{{${ref}}}: ${problem}` });
      }
    }
    issues.push(...conditionPathIssues(outline, scope), ...literalUntilIssues(outline));
  }
  return issues;
}

function conditionPathIssues({ index, type, fields }: StepOutline, scope: ReferenceScope): DefinitionIssue[] {
  const path = type === 'condition' ? stringField(recordField(fields, 'when') ?? {}, 'path') : undefined;
  if (path === undefined) return [];
  const at = stepPath(index, 'when', 'path');
  if (path.includes('{{') || path.includes('}}')) return [{ path: at, message: 'write a bare reference such as steps.create.output.body.status, without {{ }}' }];
  const problem = referenceProblem(path, scope);
  return problem ? [{ path: at, message: `${path}: ${problem}` }] : [];
}

function literalUntilIssues({ index, type, fields }: StepOutline): DefinitionIssue[] {
  const until = type === 'wait' ? stringField(fields, 'until') : undefined;
  if (until === undefined || findPlaceholders(until).length > 0 || parseIsoInstant(until) !== undefined) return [];
  return [{ path: stepPath(index, 'until'), message: 'must be an ISO-8601 instant such as 2026-03-01T09:00:00Z, or a template that renders to one' }];
}

function referenceProblem(ref: string, scope: ReferenceScope): string | undefined {
  const parsed = parseReference(ref);
  if (!parsed.ok) return parsed.problem;
  const [root, first, second] = parsed.segments;
  switch (root) {
    case 'input':
      if (first === undefined || scope.declaredInputs === undefined || scope.declaredInputs.has(first)) return undefined;
      return `input.${first} is not declared in inputSchema.properties (declared: ${[...scope.declaredInputs].join(', ') || 'none'})`;
    case 'run':
      return first !== undefined && RUN_FIELDS.includes(first) && second === undefined ? undefined : 'the run offers only run.id and run.startedBy';
    case 'steps':
      return stepReferenceProblem(first, second, scope);
    default:
      return `unknown reference root "${root}"; ${ROOTS_HINT}`;
  }
}

function stepReferenceProblem(id: string | undefined, field: string | undefined, scope: ReferenceScope): string | undefined {
  if (id === undefined || field !== 'output') return 'step references look like steps.<id>.output or steps.<id>.output.body.<field>';
  const target = scope.outlines.find((outline) => outline.id === id);
  if (target === undefined) return `no step has the id "${id}"`;
  if (target.type !== 'call') return `step "${id}" (type ${target.type ?? 'unknown'}) has no output; only call steps have an output`;
  const visible = target.index < scope.stepIndex || (scope.ownOutputVisible && target.index === scope.stepIndex);
  return visible ? undefined : `step "${id}" has not run yet at this point; only earlier call steps can be referenced`;
}

function templateStrings({ index, type, fields }: StepOutline): TemplateString[] {
  const own = (path: string, text: string | undefined): TemplateString[] => (text === undefined ? [] : [{ path, text, ownOutputVisible: false }]);
  switch (type) {
    case 'call':
      return [
        ...requestStrings(recordField(fields, 'request'), stepPath(index, 'request'), false),
        ...requestStrings(recordField(recordField(fields, 'compensate') ?? {}, 'request'), stepPath(index, 'compensate', 'request'), true),
      ];
    case 'approval':
      return own(stepPath(index, 'prompt'), stringField(fields, 'prompt'));
    case 'wait':
      return own(stepPath(index, 'until'), stringField(fields, 'until'));
    default:
      return [];
  }
}

function requestStrings(request: Readonly<Record<string, unknown>> | undefined, path: string, ownOutputVisible: boolean): TemplateString[] {
  if (request === undefined) return [];
  const strings: Array<{ path: string; text: string }> = [];
  for (const key of ['path', 'query', 'headers', 'body']) if (key in request) collectStrings(request[key], `${path}.${key}`, strings);
  return strings.map((string) => ({ ...string, ownOutputVisible }));
}

function collectStrings(value: unknown, path: string, into: Array<{ path: string; text: string }>): void {
  if (typeof value === 'string') into.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((item, i) => collectStrings(item, `${path}.${i}`, into));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) collectStrings(item, `${path}.${key}`, into);
}
