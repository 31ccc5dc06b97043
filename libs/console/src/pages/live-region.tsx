import type { VNode } from 'preact';
import { sha256Url } from '#core';
import { renderFragment } from './layout.js';
import { page, type PageContext, type PageResult } from './page.js';

/** How often an open page asks for its live region again. */
export const POLL = 'every 2s';

/**
 * A page whose region polls its own URL: the region's address carries a digest of what it shows,
 * and a poll that would show the same answers 204 (htmx then swaps nothing). The digest is of the
 * rendered content, so whatever the page derives (an "interrupted?" after a minute) counts too.
 */
export function livePage(context: PageContext, { id, title, head, content }: { id: string; title: string; head: VNode; content: VNode }): PageResult {
  const digest = sha256Url(renderFragment(content)).slice(0, 16);
  const asked = context.query.get('live');
  if (asked !== null && asked === digest) return { kind: 'unchanged' };
  const region = (
    <div id={id} hx-get={`${context.url.pathname}?live=${digest}`} hx-trigger={POLL} hx-swap="outerHTML" aria-live="polite">
      {content}
    </div>
  );
  if (asked !== null) return { kind: 'fragment', body: region };
  return page(title, <>{head}{region}</>);
}
