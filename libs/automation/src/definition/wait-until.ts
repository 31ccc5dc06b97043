import { ValidationError } from '#core';
import { renderString } from './template.js';
import type { TemplateContext } from './template-reference.js';

// An instant, not a local time: the offset (or Z) is required so every worker reads the same moment.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch milliseconds of an ISO-8601 instant such as 2026-03-01T09:00:00Z, or undefined. */
export function parseIsoInstant(text: string): number | undefined {
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3])) ? undefined : time;
}

// Date.parse rolls 2026-02-30 over into March instead of refusing it.
function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Renders a wait step's `until` to epoch milliseconds; `automation.wait_until_invalid` when it is not an instant. */
export function renderWaitUntil(until: string, context: TemplateContext): number {
  const rendered = renderString(until, context);
  const time = parseIsoInstant(rendered);
  if (time === undefined) {
    throw new ValidationError('automation.wait_until_invalid', `until rendered to "${rendered.slice(0, 100)}", which is not an ISO-8601 instant such as 2026-03-01T09:00:00Z`, { value: rendered.slice(0, 100) });
  }
  return time;
}
