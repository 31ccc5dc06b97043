import type { KoaContextWithOIDC, ErrorOut } from 'oidc-provider';
import { escapeHtml, layout, PAGE_HEADERS } from './html.js';

/** What a person sees when a flow cannot continue and there is nowhere safe to redirect: the OAuth error code and description, never a stack. */
export function errorPage(error: string, description: string | undefined): string {
  return layout('Sign-in stopped', `<h1>Sign-in stopped</h1>
<p class="ll-lead">The application's request could not be completed.</p>
<dl class="ll-summary"><dt>Error</dt><dd><code>${escapeHtml(error)}</code></dd>${description ? `<dt>Details</dt><dd>${escapeHtml(description)}</dd>` : ''}</dl>
<p>Go back to the application and start again. If this keeps happening, tell the application's publisher.</p>`);
}

export function renderProtocolError(ctx: KoaContextWithOIDC, out: ErrorOut): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
  ctx.type = 'html';
  ctx.body = errorPage(String(out.error), typeof out.error_description === 'string' ? out.error_description : undefined);
}
