import { ApiError, type ConsoleApi } from '../api/console-api.js';
import { AUTOMATION_NAME, type AutomationDetails, type AutomationSummary } from './automations.types.js';

/**
 * What the console can show of one automation: its versions and definition from
 * GET /v1/automations/{name}, or, on a platform without that endpoint yet (404
 * route.not_found), the latest version's line of the list.
 */
export type AutomationView =
  | { kind: 'details'; details: AutomationDetails; shown: number | undefined }
  | { kind: 'summary'; summary: AutomationSummary }
  | { kind: 'missing' };

export async function listAutomations(api: ConsoleApi): Promise<AutomationSummary[]> {
  return (await api.get<{ automations: AutomationSummary[] }>('/v1/automations')).automations;
}

export async function automationView(api: ConsoleApi, name: string, version: number | undefined): Promise<AutomationView> {
  if (!AUTOMATION_NAME.test(name)) return { kind: 'missing' };
  try {
    const details = await api.get<AutomationDetails>(`/v1/automations/${encodeURIComponent(name)}`, { version });
    const latest = details.versions.reduce<number | undefined>((max, entry) => (max === undefined || entry.version > max ? entry.version : max), undefined);
    return { kind: 'details', details, shown: details.version ?? version ?? latest };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    if (error.code !== 'route.not_found') return { kind: 'missing' };
  }
  const summary = (await listAutomations(api)).find((automation) => automation.name === name);
  return summary ? { kind: 'summary', summary } : { kind: 'missing' };
}

/** The `version` of a URL: a positive whole number, absent, or not one (`invalid`). */
export function versionParam(query: URLSearchParams): number | undefined | 'invalid' {
  const text = query.get('version');
  if (text === null || text === '') return undefined;
  return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : 'invalid';
}
