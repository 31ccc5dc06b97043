import { ValidationError } from './errors.js';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Checks that a value survives a JSON round trip unchanged: plain objects, arrays, strings,
 * finite numbers, booleans and null only. Dates, class instances, `undefined`, functions,
 * bigints, NaN, cycles and lone surrogates are refused with the path of the first offender,
 * because the store hashes the canonical JSON form and must read back exactly what it hashed.
 */
export function assertJsonValue(value: unknown, path = '$', code = 'json.not_serialisable'): asserts value is JsonValue {
  const problem = findJsonProblem(value, path, new Set());
  if (problem) throw new ValidationError(code, `${problem.path}: ${problem.reason}`, { path: problem.path, reason: problem.reason });
}

interface JsonProblem {
  path: string;
  reason: string;
}

function findJsonProblem(value: unknown, path: string, ancestors: Set<object>): JsonProblem | undefined {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? undefined : { path, reason: 'string contains a lone surrogate' };
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, reason: `number ${value} is not representable in JSON` };
    case 'object':
      break;
    default:
      return { path, reason: `${typeof value} is not a JSON value` };
  }
  if (value === null) return undefined;
  if (ancestors.has(value)) return { path, reason: 'circular reference' };
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return { path: `${path}[${i}]`, reason: 'sparse array hole' };
        const problem = findJsonProblem(value[i], `${path}[${i}]`, ancestors);
        if (problem) return problem;
      }
      return undefined;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      return { path, reason: `${(value as object).constructor?.name ?? 'object'} instance is not a plain JSON object` };
    }
    if (Object.getOwnPropertySymbols(value).length > 0) return { path, reason: 'symbol keys are not JSON' };
    for (const [key, child] of Object.entries(value)) {
      const problem = findJsonProblem(child, `${path}.${key}`, ancestors);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * How deep a request's JSON (a REST body, tool arguments) may nest. Validators recurse: a few
 * thousand levels, a few KiB of JSON, overflow their stack, which would surface as an internal error.
 */
export const MAX_REQUEST_JSON_DEPTH = 100;

/**
 * Whether a parsed JSON value nests objects and arrays more than `maxDepth` levels deep (a
 * scalar is depth 0). Iterative, so a hostile value cannot overflow the stack of the check itself,
 * as it would overflow recursive validators run after it.
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}
