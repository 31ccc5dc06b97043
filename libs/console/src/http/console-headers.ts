import type { Response } from 'express';

/**
 * Every console answer: no inline script or style (the pages load their own files), API calls to
 * this origin only, never framed, forms posting here or to the authorization server's sign-in.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setConsoleHeaders(res: Response, cacheable: boolean): void {
  res.setHeader('content-security-policy', CONSOLE_CSP);
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cache-control', cacheable ? 'public, max-age=3600' : 'no-store');
}
