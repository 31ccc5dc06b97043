import { randomUUID } from 'node:crypto';

/** An `X-Request-Id` a caller may choose: short, and safe in logs and headers. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const assigned = new WeakMap<object, string>();

/**
 * The one id of a request: the caller's `X-Request-Id` when well formed, else a new UUID, the
 * same however often and by whom it is asked (the request log, the command metadata whose
 * correlation id joins the request's events to its log line, the response header).
 */
export function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  let id = assigned.get(request);
  if (id === undefined) {
    const given = request.headers['x-request-id'];
    id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    assigned.set(request, id);
  }
  return id;
}
