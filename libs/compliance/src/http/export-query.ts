import { ValidationError } from '#core';
import { parseExportRange } from '../export/export-range.js';
import type { ExportRange } from '../export/export-format.js';

const KNOWN = new Set(['since', 'until', 'withViews']);

/** GET /v1/compliance/export's query: every problem is a typed 400 before anything is recorded. */
export function parseExportQuery(query: Record<string, unknown>): { range: ExportRange; withViews: boolean } {
  const unknown = Object.keys(query).filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) throw new ValidationError('compliance.export.invalid_query', `unknown query parameter(s): ${unknown.join(', ')}`, { unknown });
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || typeof value === 'string') return value;
    throw new ValidationError('compliance.export.invalid_query', `${name} must be given once, as text`, { name });
  };
  const withViews = single('withViews');
  if (withViews !== undefined && withViews !== 'true' && withViews !== 'false') {
    throw new ValidationError('compliance.export.invalid_query', 'withViews must be true or false', { withViews });
  }
  return { range: parseExportRange({ since: single('since'), until: single('until') }), withViews: withViews === 'true' };
}
