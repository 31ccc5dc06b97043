import type { JsonValue } from '#core';
import { canonicalJson } from '#event-store';
import type { PlannedRequest } from '../run/commands/dry-run/dry-run.plan.js';

/** The body templates of the two steps as published: where both are literal objects or arrays, the body's field names are the definitions', not the run's data. */
export interface BodyTemplates {
  live: JsonValue | undefined;
  shadow: JsonValue | undefined;
}

/**
 * Where two rendered requests differ, as field paths: `method`, `url` (any part of it: path or
 * query), `headers.<name>` (names lower-cased, as rendered), `body` or `body.<key>...` down to the
 * first differing value (array items as `[]`). Never a value: the values are the run's data,
 * personal data of its starter. Nor a field name that came from the data: a path goes down only
 * where both steps' body templates spell the structure out, and stops at a placeholder that put a
 * whole value there (`{{input.customer}}` differs as its own path, not by the input's keys).
 * Empty when the requests are identical. Sorted, without repeats.
 */
export function requestDiff(live: PlannedRequest, shadow: PlannedRequest, templates: BodyTemplates): string[] {
  const paths = new Set<string>();
  if (live.method !== shadow.method) paths.add('method');
  if (live.url !== shadow.url) paths.add('url');
  for (const name of new Set([...Object.keys(live.headers), ...Object.keys(shadow.headers)])) {
    if (live.headers[name] !== shadow.headers[name]) paths.add(`headers.${name.toLowerCase()}`);
  }
  jsonDiff({ a: live.body, b: shadow.body, ta: templates.live, tb: templates.shadow }, 'body', paths);
  return [...paths].sort();
}

/** Two rendered values and the templates they were rendered from (undefined where a side's template has nothing). */
interface Sides {
  a: JsonValue | undefined;
  b: JsonValue | undefined;
  ta: JsonValue | undefined;
  tb: JsonValue | undefined;
}

function jsonDiff({ a, b, ta, tb }: Sides, path: string, into: Set<string>): void {
  if (same(a, b)) return;
  // Only where both templates spell the structure out are the keys the definitions'; below a placeholder they are the run's data.
  if (isObject(a) && isObject(b) && isObject(ta) && isObject(tb)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) jsonDiff({ a: a[key], b: b[key], ta: ta[key], tb: tb[key] }, `${path}.${key}`, into);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && Array.isArray(ta) && Array.isArray(tb) && a.length === b.length) {
    a.forEach((item, index) => jsonDiff({ a: item, b: b[index], ta: ta[index], tb: tb[index] }, `${path}[]`, into));
    return;
  }
  into.add(path);
}

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return a === undefined || b === undefined ? a === b : canonicalJson(a) === canonicalJson(b);
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
