import type { JsonValue } from '#core';
import type { PlannedRequest } from '../run/commands/dry-run/dry-run.plan.js';

/**
 * Where two rendered requests differ, as field paths: `method`, `url` (any part of it: path or
 * query), `headers.<name>` (names lower-cased, as rendered), `body` or `body.<key>...` down to the
 * first differing value (array items as `[]`). Never a value: the values are the run's data,
 * personal data of its starter. Empty when the requests are identical. Sorted, without repeats.
 */
export function requestDiff(live: PlannedRequest, shadow: PlannedRequest): string[] {
  const paths = new Set<string>();
  if (live.method !== shadow.method) paths.add('method');
  if (live.url !== shadow.url) paths.add('url');
  for (const name of new Set([...Object.keys(live.headers), ...Object.keys(shadow.headers)])) {
    if (live.headers[name] !== shadow.headers[name]) paths.add(`headers.${name.toLowerCase()}`);
  }
  jsonDiff(live.body, shadow.body, 'body', paths);
  return [...paths].sort();
}

function jsonDiff(a: JsonValue | undefined, b: JsonValue | undefined, path: string, into: Set<string>): void {
  if (a === b) return;
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) jsonDiff(a[key], b[key], `${path}.${key}`, into);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      into.add(`${path}[]`);
      return;
    }
    a.forEach((item, index) => jsonDiff(item, b[index], `${path}[]`, into));
    return;
  }
  into.add(path);
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
