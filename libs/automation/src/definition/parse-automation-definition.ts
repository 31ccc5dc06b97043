import { automationDefinitionSchema, type AutomationDefinition } from './automation-definition.schema.js';
import { approvalNoticeIssues } from './check-approval-notices.js';
import { declaredInputProperties, inputSchemaIssues } from './check-input-schema.js';
import { stepGraphIssues } from './check-step-graph.js';
import { templateReferenceIssues } from './check-template-references.js';
import { definitionErrorMap, invalidDefinitionError, zodIssues, type DefinitionIssue } from './definition-issues.js';
import { isRecord, outlineStep } from './step-outline.js';

export const MAX_DEFINITION_BYTES = 64 * 1024;

export interface ParseAutomationDefinitionOptions {
  /** The tenant's connector names; when given, every step must use one of them. */
  knownConnectors?: ReadonlySet<string>;
}

/**
 * Validates a definition a tenant admin publishes and applies its defaults. Every problem is
 * collected, shape and cross-step alike, and thrown together as
 * `ValidationError('automation.invalid', message, { issues: [{ path, message }] })`, so whoever
 * fixes the JSON (often an LLM) can fix everything in one pass.
 */
export function parseAutomationDefinition(input: unknown, options: ParseAutomationDefinitionOptions = {}): AutomationDefinition {
  const sizeIssue = definitionSizeIssue(input);
  if (sizeIssue) throw invalidDefinitionError([sizeIssue]);
  const parsed = automationDefinitionSchema.safeParse(input, { error: definitionErrorMap });
  const issues: DefinitionIssue[] = parsed.success ? [] : zodIssues(parsed.error);
  const raw = isRecord(input) ? input : {};
  if (isRecord(raw['inputSchema'])) issues.push(...inputSchemaIssues(raw['inputSchema']));
  const outlines = Array.isArray(raw['steps']) ? raw['steps'].map(outlineStep) : [];
  issues.push(...stepGraphIssues(outlines, options.knownConnectors));
  issues.push(...approvalNoticeIssues(outlines));
  issues.push(...templateReferenceIssues(outlines, declaredInputProperties(raw['inputSchema'])));
  if (!parsed.success || issues.length > 0) throw invalidDefinitionError(issues);
  return parsed.data;
}

// Checked first and alone: a huge document is refused before any work is spent on it.
function definitionSizeIssue(input: unknown): DefinitionIssue | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    return { path: '', message: 'is not JSON (it contains a cycle or a value JSON cannot hold)' };
  }
  const bytes = json === undefined ? 0 : new TextEncoder().encode(json).length;
  return bytes > MAX_DEFINITION_BYTES ? { path: '', message: `is ${bytes} bytes as JSON; the limit is ${MAX_DEFINITION_BYTES}` } : undefined;
}
