import { ApiError } from '../api/console-api.js';
import type { PageContext } from '../pages/page.js';

/**
 * A refusal the person can act on in the form they sent (bad input, a conflict, too many
 * requests): shown inline, nothing changed. Everything else (sign-in, permission, not found, the
 * platform failing) is the router's to show as a page of its own.
 */
export function isFormRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403 && error.status !== 404;
}

/** A form field as sent, untrimmed: JSON positions and secrets must be what was typed. */
export function formRaw(form: PageContext['form'], name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}
