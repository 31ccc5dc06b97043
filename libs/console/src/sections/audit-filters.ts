import type { ApiError, Query } from '../api/console-api.js';
import type { Problem } from '../pages/components.js';

/** The trail's filters as the URL holds them (the page's own names), and the API's name for each. */
export const TEXT_FILTERS = [
  { id: 'user', api: 'userId', label: 'Person (user id)', hint: 'Who acted, e.g. ada.' },
  { id: 'tool', api: 'tool', label: 'Tool', hint: 'e.g. automation_publish, or rest:PUT /v1/connectors/:name.' },
  { id: 'type', api: 'type', label: 'Event type', hint: 'Exact, or a prefix ending in *, e.g. Step*.' },
  { id: 'automation', api: 'automation', label: 'Automation', hint: 'Its events and its runs.' },
  { id: 'connector', api: 'connector', label: 'Connector', hint: 'Its events and the run steps calling it.' },
  { id: 'stream', api: 'streamId', label: 'Stream', hint: 'One stream, e.g. connector-billing.' },
] as const;

export const PAGE_SIZES = ['25', '50', '100', '10'] as const;
export const ORDERS = { desc: 'Newest first', asc: 'Oldest first' } as const;

export type AuditFilterValues = Record<(typeof TEXT_FILTERS)[number]['id'] | 'from' | 'to' | 'order' | 'limit', string>;

const WHEN = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?)?$/;

/**
 * A time typed as a UTC date, or date and time, as the ISO instant the API filters on; `to` with a
 * date alone means the end of that day. Undefined for nothing typed, 'invalid' for anything else.
 */
export function instantOf(text: string, end: boolean): string | undefined | 'invalid' {
  if (text === '') return undefined;
  const match = WHEN.exec(text);
  if (!match) return 'invalid';
  const [, date, minutes, seconds] = match;
  const iso = `${date}T${minutes ?? '00:00'}${seconds ?? ':00'}.000Z`;
  const at = Date.parse(iso);
  // Date.parse rolls 2025-02-30 over to March: a date that does not round-trip does not exist.
  if (Number.isNaN(at) || new Date(at).toISOString() !== iso) return 'invalid';
  return end && minutes === undefined ? new Date(at + 86_400_000).toISOString() : iso;
}

/** The URL's filters, the API query they make, and what is wrong with them before any call. */
export function auditFiltersOf(url: URLSearchParams): { values: AuditFilterValues; query: Query; problems: Problem[] } {
  const get = (name: string): string => (url.get(name) ?? '').trim();
  const values = { from: get('from'), to: get('to'), order: get('order') || 'desc', limit: get('limit') || PAGE_SIZES[0] } as AuditFilterValues;
  const query: Query = {};
  for (const filter of TEXT_FILTERS) {
    values[filter.id] = get(filter.id);
    query[filter.api] = values[filter.id] || undefined;
  }
  const problems: Problem[] = [];
  const from = instantOf(values.from, false);
  const to = instantOf(values.to, true);
  if (from === 'invalid') problems.push({ field: 'from', message: 'From: enter a UTC date as YYYY-MM-DD, or a date and time as YYYY-MM-DD HH:MM.' });
  if (to === 'invalid') problems.push({ field: 'to', message: 'Until: enter a UTC date as YYYY-MM-DD, or a date and time as YYYY-MM-DD HH:MM.' });
  if (from !== 'invalid' && to !== 'invalid' && from !== undefined && to !== undefined && from >= to) problems.push({ field: 'to', message: 'Until: must be after From.' });
  if (!(values.order in ORDERS)) problems.push({ field: 'order', message: 'Order: choose newest or oldest first.' });
  if (!(PAGE_SIZES as readonly string[]).includes(values.limit)) problems.push({ field: 'limit', message: `Per page: choose ${PAGE_SIZES.join(', ')}.` });
  Object.assign(query, { from: from === 'invalid' ? undefined : from, to: to === 'invalid' ? undefined : to, order: values.order, limit: values.limit, cursor: get('cursor') || undefined });
  return { values, query, problems };
}

const LABELS: Record<string, { id: string; label: string }> = Object.fromEntries([
  ...TEXT_FILTERS.map((filter) => [filter.api, filter]),
  ['from', { id: 'from', label: 'From' }],
  ['to', { id: 'to', label: 'Until' }],
  ['order', { id: 'order', label: 'Order' }],
  ['limit', { id: 'limit', label: 'Per page' }],
]);

/** The API's audit.invalid_filter issues at the fields they are about; a stale cursor said as such. */
export function auditProblems(error: ApiError): Problem[] {
  if (error.code === 'audit.invalid_cursor') return [{ message: 'This page’s link is out of date: start again from the first page.' }];
  const issues = error.problems;
  if (issues.length === 0) return [{ message: error.message }];
  return issues.map(({ path, message }) => {
    const place = LABELS[path ?? ''];
    return place ? { field: place.id, message: `${place.label}: ${message}` } : { message: path && path !== '(root)' ? `${path}: ${message}` : message };
  });
}
