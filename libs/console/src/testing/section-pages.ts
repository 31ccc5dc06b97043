import { ApiError, type ConsoleApi, type Query } from '../api/console-api.js';
import { renderFragment } from '../pages/layout.js';
import type { ConsoleSection, PageContext, PageResult } from '../pages/page.js';
import type { ConsoleSession } from '../session/console-session.js';

/** What a fake API answers a call with: a value, or an ApiError to throw. */
export type FakeAnswer = (method: string, path: string, query: Query, body: unknown) => unknown;

export interface FakeCall {
  method: string;
  path: string;
  query: Query;
  body: unknown;
}

/** A page of a section, handled against a fake REST API (tests of what a page shows and sends). */
export async function handle(section: ConsoleSection, method: 'GET' | 'POST', target: string, answer: FakeAnswer, options: { scopes?: readonly string[]; form?: Record<string, string> } = {}): Promise<{ result: PageResult; html: string; calls: FakeCall[] }> {
  const url = new URL(target, 'http://console.test');
  const path = url.pathname.replace(/^\/console/, '');
  const calls: FakeCall[] = [];
  const call = async (verb: string, apiPath: string, query: Query, body?: unknown): Promise<unknown> => {
    calls.push({ method: verb, path: apiPath, query, body });
    const value = answer(verb, apiPath, query, body);
    if (value instanceof ApiError) throw value;
    return value;
  };
  const api = {
    get: (apiPath: string, query: Query = {}) => call('GET', apiPath, query),
    post: (apiPath: string, body: unknown) => call('POST', apiPath, {}, body),
    put: (apiPath: string, body: unknown) => call('PUT', apiPath, {}, body),
    delete: (apiPath: string) => call('DELETE', apiPath, {}),
  } as unknown as ConsoleApi;
  for (const route of section.routes) {
    if (route.method !== method) continue;
    const params = matchPath(route.path, path);
    if (!params) continue;
    const session: ConsoleSession = { key: 'k', tenantId: 'acme', userId: 'ada', scopes: options.scopes ?? section.scopes, grantId: 'g', csrf: 'csrf-token', accessToken: 't', accessExpiresAt: Date.now() + 60_000, refreshToken: undefined, expiresAt: Date.now() + 60_000 };
    const context: PageContext = { session, api, params, query: url.searchParams, form: options.form ?? {}, url };
    const result = await route.handle(context);
    const html = result.kind === 'page' || result.kind === 'fragment' ? renderFragment(result.body) : '';
    return { result, html, calls };
  }
  throw new Error(`no ${method} route of ${section.id} for ${path}`);
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const regex = new RegExp(`^${pattern.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  })}$`);
  const match = regex.exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
}

export const notFound = (code: string): ApiError => new ApiError(404, code, 'not found', {});
