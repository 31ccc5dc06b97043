/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const STYLESHEET_PATH = '/interaction/assets/ledgerline.css';

/**
 * The frame of every sign-in and consent page: no script at all, one same-origin stylesheet,
 * forms that work without JavaScript (GOV.UK Design System patterns: error summary first, labels
 * always visible).
 */
export function layout(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} – Ledgerline</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="ll-header"><span class="ll-brand">Ledgerline</span></header>
<main class="ll-main" id="main-content">
${main}
</main>
</body>
</html>
`;
}

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The error summary at the top, each message linking to its field. It takes the focus as the page
 * loads (`autofocus`, so no script is needed): a keyboard or screen-reader user starts at it, and
 * one Tab and Enter take them to the field.
 */
export function errorSummary(errors: readonly FieldError[]): string {
  if (errors.length === 0) return '';
  const items = errors.map((error) => `<li><a href="#${escapeHtml(error.field)}">${escapeHtml(error.message)}</a></li>`).join('');
  return `<div class="ll-error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There is a problem</h2>
<ul>${items}</ul>
</div>`;
}

/**
 * Headers of every page the authorization server renders: a strict CSP (no script, styles from
 * this origin only), no framing (clickjacking), no caching, no referrer (the URL holds the
 * interaction id).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
