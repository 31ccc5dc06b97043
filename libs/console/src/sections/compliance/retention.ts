import { ApiError } from '../../api/console-api.js';
import { wholeDays } from '../../pages/forms.js';
import { formText, redirect, type PageContext, type PageResult } from '../../pages/page.js';
import { COMPLIANCE, compliancePage, type ComplianceForms } from './compliance-page.js';

const MAX_DAYS = 36_500;

interface RetentionKind {
  api: string;
  field: 'event-days' | 'memory-days';
  notice: string;
  /** Where the typed text goes when the page is shown again. */
  echo(text: string): ComplianceForms;
}

export const EVENT_RETENTION: RetentionKind = { api: '/v1/compliance/retention', field: 'event-days', notice: 'event-retention', echo: (text) => ({ eventDays: text }) };
export const MEMORY_RETENTION: RetentionKind = { api: '/v1/memory/retention', field: 'memory-days', notice: 'memory-retention', echo: (text) => ({ memoryDays: text }) };

/** Empty keeps for ever (null); anything else must be whole days in range, or the page says why and nothing is sent. */
export async function saveRetention(context: PageContext, kind: RetentionKind): Promise<PageResult> {
  const text = formText(context.form, kind.field);
  const parsed = text === '' ? { days: null } : wholeDays(text, 1, MAX_DAYS);
  if ('problem' in parsed) return compliancePage(context, { problems: [{ field: kind.field, message: parsed.problem }], ...kind.echo(text) });
  let changed: boolean;
  try {
    ({ changed } = await context.api.put<{ changed: boolean }>(kind.api, { days: parsed.days }));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    return compliancePage(context, { problems: [{ field: kind.field, message: error.message }], ...kind.echo(text) });
  }
  return redirect(`${COMPLIANCE}?notice=${changed ? kind.notice : 'retention-unchanged'}`);
}
