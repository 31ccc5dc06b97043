import { ValidationError, type JsonValue } from '#core';
import {
  findPlaceholders,
  parseReference,
  replacePlaceholders,
  resolveReference,
  wholePlaceholder,
  type TemplateContext,
} from './template-reference.js';

/*
 * Templates are written by tenant admins and filled with data that end users and remote systems
 * control, so they are an injection surface. The engine therefore only looks data up: no
 * expressions, helpers, filters or code, no access to anything but `input`, `steps` and `run`, and
 * no second pass over inserted values.
 */

/**
 * Renders every string inside a JSON template. A string that is exactly one placeholder yields the
 * referenced value with its JSON type; placeholders inside longer strings are stringified. Object
 * keys are copied as written. Throws `automation.template_unresolved` when a reference has no value.
 */
export function renderTemplate(template: JsonValue, context: TemplateContext): JsonValue {
  if (typeof template === 'string') {
    const ref = wholePlaceholder(template);
    if (ref === undefined) return renderString(template, context);
    const value = lookUp(ref, context);
    // A copy, so the rendered request shares nothing with the run's state; a primitive is its own copy.
    return typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, context));
  if (template === null || typeof template !== 'object') return template;
  // fromEntries defines own properties, so a "__proto__" key stays a key instead of a prototype.
  return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderTemplate(value, context)]));
}

/** Renders a template string to a string, whatever the types of the inserted values. */
export function renderString(template: string, context: TemplateContext): string {
  return replacePlaceholders(template, (ref) => stringifyValue(lookUp(ref, context)));
}

/**
 * Renders a URL path: each inserted value is percent-encoded, so input such as `../../admin` or
 * `a/b?c` stays inside one path segment. A rendered path with an empty inserted value or a `.` or
 * `..` segment is refused (`automation.template_invalid_path`), because URL normalisation would
 * otherwise move the request to another resource.
 */
export function renderPath(template: string, context: TemplateContext): string {
  const path = replacePlaceholders(template, (ref) => {
    const value = stringifyValue(lookUp(ref, context));
    if (value === '') throw new ValidationError('automation.template_invalid_path', `{{${ref}}} is empty and would leave an empty path segment`, { ref });
    return encodeURIComponent(value);
  });
  if (path.split('/').some(isDotSegment)) {
    throw new ValidationError('automation.template_invalid_path', `the rendered path ${path} contains a "." or ".." segment`, { path });
  }
  return path;
}

/** Every reference used by a template, in order of first use; keys are not templated and not listed. */
export function templateReferences(template: JsonValue): string[] {
  const refs = new Set<string>();
  collect(template, refs);
  return [...refs];
}

function collect(template: JsonValue, refs: Set<string>): void {
  if (typeof template === 'string') {
    for (const placeholder of findPlaceholders(template)) refs.add(placeholder.ref);
  } else if (Array.isArray(template)) {
    for (const item of template) collect(item, refs);
  } else if (template !== null && typeof template === 'object') {
    for (const value of Object.values(template)) collect(value, refs);
  }
}

function lookUp(ref: string, context: TemplateContext): JsonValue {
  const parsed = parseReference(ref);
  if (!parsed.ok) throw new ValidationError('automation.template_invalid_reference', `{{${ref}}} is not a valid reference: ${parsed.problem}`, { ref });
  const resolved = resolveReference(parsed.segments, context);
  if (!resolved.found) throw new ValidationError('automation.template_unresolved', `{{${ref}}} has no value in this run`, { ref });
  return resolved.value;
}

function stringifyValue(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// WHATWG URL parsing treats "%2e" like "." when it removes dot segments.
function isDotSegment(segment: string): boolean {
  const decoded = segment.replace(/%2e/gi, '.');
  return decoded === '.' || decoded === '..';
}
