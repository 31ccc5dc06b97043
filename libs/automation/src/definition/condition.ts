import type { JsonValue } from '#core';
import type { Condition } from './automation-step.schema.js';
import { parseReference, resolveReference, type ResolvedReference, type TemplateContext } from './template-reference.js';

/**
 * Evaluates a condition step's `when` against a run. eq and ne compare JSON values deeply (object
 * key order does not matter); gt, gte, lt and lte compare two numbers, or two strings in code-unit
 * order (right for ISO-8601 instants in the same format), and are false for any other pair.
 * exists is true when the path resolves, even to null. When the path does not resolve, every
 * comparison, ne included, is false: a missing value is not evidence for either side, and a
 * definition that cares says so with exists or not_exists. Never throws.
 */
export function evaluateCondition(condition: Condition, context: TemplateContext): boolean {
  const parsed = parseReference(condition.path);
  const resolved: ResolvedReference = parsed.ok ? resolveReference(parsed.segments, context) : { found: false };
  switch (condition.op) {
    case 'exists':
      return resolved.found;
    case 'not_exists':
      return !resolved.found;
    default:
      return resolved.found && compare(condition.op, resolved.value, condition.value);
  }
}

function compare(op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', actual: JsonValue, expected: JsonValue): boolean {
  if (op === 'eq') return jsonEquals(actual, expected);
  if (op === 'ne') return !jsonEquals(actual, expected);
  const comparable = (typeof actual === 'number' && typeof expected === 'number') || (typeof actual === 'string' && typeof expected === 'string');
  if (!comparable) return false;
  switch (op) {
    case 'gt':
      return actual > expected;
    case 'gte':
      return actual >= expected;
    case 'lt':
      return actual < expected;
    case 'lte':
      return actual <= expected;
  }
}

/** Equality of canonical JSON forms: same types, same array order, same keys regardless of order. */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]!));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEquals(a[key]!, b[key]!));
}
