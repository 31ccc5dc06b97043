import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { ConsoleSession } from '../session/console-session.js';
import { CsrfField } from './components.js';
import type { NavigationSection } from './page.js';

export const ASSETS_PATH = '/console/assets';
/** htmx without eval, inline styles or script tags in swapped content: it then runs under the strict CSP. */
const HTMX_CONFIG = JSON.stringify({ allowEval: false, allowScriptTags: false, includeIndicatorStyles: false, selfRequestsOnly: true, historyCacheSize: 0, refreshOnHistoryMiss: true });

interface Shell {
  title: string;
  body: VNode;
  session?: ConsoleSession;
  /** The navigation's entries. */
  sections?: readonly NavigationSection[];
  current?: string;
}

export function renderDocument(shell: Shell): string {
  return `<!doctype html>${renderToString(<Document {...shell} />)}`;
}

export function renderFragment(body: VNode): string {
  return renderToString(body);
}

function Document({ title, body, session, sections = [], current }: Shell): VNode {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${title} – Ledgerline console`}</title>
        <link rel="stylesheet" href={`${ASSETS_PATH}/console.css`} />
        <script src={`${ASSETS_PATH}/htmx.min.js`} defer />
        <script src={`${ASSETS_PATH}/console.js`} defer />
      </head>
      <body>
        <a class="ll-skip" href="#main">Skip to content</a>
        <header class="ll-header">
          <a class="ll-brand" href="/console">Ledgerline console</a>
          {session && (
            <div class="ll-who">
              <span>
                {session.userId} <span class="ll-muted">in</span> {session.tenantId}
              </span>
              <form method="post" action="/console/sign-out">
                <CsrfField token={session.csrf} />
                <button type="submit" class="ll-link-button">Sign out</button>
              </form>
            </div>
          )}
        </header>
        {sections.length > 0 && (
          <nav class="ll-nav" aria-label="Console">
            <ul>
              {sections.map((section) => (
                <li>
                  <a href={section.href} aria-current={section.id === current ? 'page' : undefined}>
                    {section.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <main id="main" class="ll-main" tabindex={-1}>
          {body}
        </main>
      </body>
    </html>
  );
}
