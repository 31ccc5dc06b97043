import type { VNode } from 'preact';
import type { ConsoleApi } from '../api/console-api.js';
import type { ConsoleSession } from '../session/console-session.js';

/** What a console route answers; the router turns it into HTTP. */
export type PageResult =
  | { kind: 'page'; title: string; body: VNode; status?: number }
  /** A live region's new content (an htmx poll), or 204 when nothing changed. */
  | { kind: 'fragment'; body: VNode }
  | { kind: 'unchanged' }
  | { kind: 'redirect'; to: string }
  /** A download passed through from the API (an export). */
  | { kind: 'download'; response: Response; filename: string };

export interface PageContext {
  session: ConsoleSession;
  api: ConsoleApi;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The submitted form (POST), already CSRF-checked. */
  form: Readonly<Record<string, string | string[]>>;
  /** The page's own path and query, for links back to it. */
  url: URL;
}

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  /** Express path below /console, e.g. '/runs/:runId'. */
  path: string;
  handle(context: PageContext): Promise<PageResult>;
}

/** A section of the console: a navigation entry and its routes, shown to whoever holds one of its scopes. */
export interface ConsoleSection {
  id: string;
  label: string;
  /** Its entry in the navigation; none for pages reached by a link only (a confirmation an MCP client sends the person to). */
  href?: string;
  /** Any of these scopes shows the section, none: every signed-in person; the API still checks each call. */
  scopes: readonly string[];
  routes: readonly ConsoleRoute[];
}

/** A section with an entry in the navigation. */
export type NavigationSection = ConsoleSection & { href: string };

/** Whether the session may open the section's pages. */
export function sectionAllows(section: ConsoleSection, scopes: readonly string[]): boolean {
  return section.scopes.length === 0 || section.scopes.some((scope) => scopes.includes(scope));
}

/** The navigation entries among sections. */
export function inNavigation(section: ConsoleSection): section is NavigationSection {
  return section.href !== undefined;
}

export function formText(form: PageContext['form'], name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

export function page(title: string, body: VNode, status?: number): PageResult {
  return status === undefined ? { kind: 'page', title, body } : { kind: 'page', title, body, status };
}

export function redirect(to: string): PageResult {
  return { kind: 'redirect', to };
}
