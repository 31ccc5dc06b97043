import type { ApiError } from '../api/console-api.js';
import type { Problem } from '../pages/components.js';
import { formText, type PageContext } from '../pages/page.js';

/** The register and replace forms' fields, as typed (kept on a refusal: none of them is secret). */
export interface ConfigFields {
  description: string;
  baseUrl: string;
  /** One host (or host:port) a line. */
  allowedHosts: string;
  authPlacement: string;
  authName: string;
  authTemplate: string;
  timeoutMs: string;
  ratePerSecond: string;
  rateBurst: string;
  /** `Name: value`, one a line. */
  headers: string;
  obHeader: string;
  obAudience: string;
}

export const CONFIG_FIELD_IDS = ['description', 'baseUrl', 'allowedHosts', 'authPlacement', 'authName', 'authTemplate', 'timeoutMs', 'ratePerSecond', 'rateBurst', 'headers', 'obHeader', 'obAudience'] as const;

/** What the form calls each field: its label, and the start of each of its problems. */
export const CONFIG_LABELS: Readonly<Record<keyof ConfigFields, string>> = {
  description: 'Description',
  baseUrl: 'Base URL',
  allowedHosts: 'Allowed hosts',
  authPlacement: 'Where the secret goes',
  authName: 'Header or query parameter name',
  authTemplate: 'Value template',
  timeoutMs: 'Timeout (milliseconds)',
  ratePerSecond: 'Calls per second',
  rateBurst: 'Burst',
  headers: 'Static headers',
  obHeader: 'Assertion header',
  obAudience: 'Assertion audience',
};

export const AUTH_PLACEMENTS = ['header', 'query', 'none'] as const;

export function blankFields(description = ''): ConfigFields {
  return { description, baseUrl: '', allowedHosts: '', authPlacement: 'header', authName: 'Authorization', authTemplate: 'Bearer {{secret}}', timeoutMs: '', ratePerSecond: '', rateBurst: '', headers: '', obHeader: '', obAudience: '' };
}

export function fieldsOf(form: PageContext['form']): ConfigFields {
  const fields = blankFields();
  for (const id of CONFIG_FIELD_IDS) fields[id] = formText(form, id);
  return fields;
}

const lines = (text: string): string[] => text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');

/**
 * The PUT body from the fields. Only what cannot be sent is checked here (a number that is not
 * one, a header line without a colon); the platform judges the rest and says where.
 */
export function bodyOf(fields: ConfigFields): { body: { description: string; config: Record<string, unknown> }; problems: Problem[] } {
  const problems: Problem[] = [];
  const config: Record<string, unknown> = { baseUrl: fields.baseUrl, allowedHosts: lines(fields.allowedHosts) };
  if (fields.authPlacement !== 'none') config.auth = { placement: fields.authPlacement, name: fields.authName, template: fields.authTemplate };
  const whole = (id: 'timeoutMs' | 'rateBurst', example: number): number | undefined => {
    if (fields[id] === '') return undefined;
    if (/^\d{1,9}$/.test(fields[id])) return Number(fields[id]);
    problems.push({ field: id, message: `${CONFIG_LABELS[id]}: enter a whole number, like ${example}.` });
    return undefined;
  };
  const timeoutMs = whole('timeoutMs', 10_000);
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  if (fields.ratePerSecond !== '' || fields.rateBurst !== '') {
    const perSecond = /^\d{1,6}(\.\d{1,6})?$/.test(fields.ratePerSecond) ? Number(fields.ratePerSecond) : undefined;
    if (perSecond === undefined) problems.push({ field: 'ratePerSecond', message: `${CONFIG_LABELS.ratePerSecond}: enter a number, like 10 or 0.5.` });
    const burst = whole('rateBurst', 20);
    config.rateLimit = { perSecond, ...(burst !== undefined && { burst }) };
  }
  const headerLines = lines(fields.headers);
  if (headerLines.length > 0) {
    const headers: Record<string, string> = {};
    headerLines.forEach((line, index) => {
      const colon = line.indexOf(':');
      if (colon <= 0) problems.push({ field: 'headers', message: `${CONFIG_LABELS.headers}: line ${index + 1}: write it as Name: value.` });
      else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    });
    config.headers = headers;
  }
  if (fields.obHeader !== '' || fields.obAudience !== '') config.onBehalfOf = { header: fields.obHeader, ...(fields.obAudience !== '' && { audience: fields.obAudience }) };
  return { body: { description: fields.description, config }, problems };
}

/** Where each of the platform's issue paths is on the form, and what the person calls it. */
const PLACES: ReadonlyArray<[RegExp, keyof ConfigFields]> = [
  [/^baseUrl\b/, 'baseUrl'],
  [/^allowedHosts\b/, 'allowedHosts'],
  [/^auth\.name\b/, 'authName'],
  [/^auth\.template\b/, 'authTemplate'],
  [/^auth\b/, 'authPlacement'],
  [/^timeoutMs\b/, 'timeoutMs'],
  [/^rateLimit\.burst\b/, 'rateBurst'],
  [/^rateLimit\b/, 'ratePerSecond'],
  [/^headers\b/, 'headers'],
  [/^onBehalfOf\.audience\b/, 'obAudience'],
  [/^onBehalfOf\b/, 'obHeader'],
];

/**
 * The platform's refusal, field by field: connector.invalid_config's issues by path (an allowed
 * host by its line), request.invalid's messages by the property they start with.
 */
export function configProblems(error: ApiError): Problem[] {
  if (error.code === 'connector.invalid_name') return [{ field: 'name', message: `Name: ${error.message}.` }];
  const issues = error.problems;
  if (issues.length === 0) return [{ message: error.message }];
  return issues.map(({ path, message }) => {
    if (path === undefined) {
      const property = /^(\w+) /.exec(message)?.[1];
      return property === 'description' ? { field: 'description', message: `${CONFIG_LABELS.description}: ${message}.` } : { message };
    }
    const field = PLACES.find(([pattern]) => pattern.test(path))?.[1];
    if (!field) return { message: path === '(root)' ? message : `${path}: ${message}` };
    const line = /^allowedHosts\.(\d+)/.exec(path)?.[1];
    return { field, message: `${CONFIG_LABELS[field]}: ${line === undefined ? '' : `line ${Number(line) + 1}: `}${message}` };
  });
}
