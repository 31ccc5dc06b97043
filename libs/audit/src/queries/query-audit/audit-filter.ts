import { ValidationError } from '#core';
import { z } from 'zod';

export const MAX_AUDIT_PAGE = 500;
export const DEFAULT_AUDIT_PAGE = 50;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@|+=-]{0,199}$/;
const name = (what: string) => z.string().regex(NAME, `${what}: 1-200 of A-Z a-z 0-9 . _ : @ | + = -`);

/** The audit filters as callers give them (tool arguments, REST query, CLI options), validated alike. */
export const auditFilterInput = z.strictObject({
  userId: z.string().min(1).max(256).optional().describe('only what this user did'),
  tool: z.string().min(1).max(128).optional().describe('only calls of this tool (REST calls are named like "rest:POST /v1/tenants")'),
  type: z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,127}\*?$/, 'an event type, or a prefix ending in *').optional().describe('only events of this type; a trailing * makes it a prefix, e.g. "Step*"'),
  scope: z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'a scope token').optional().describe('only calls made under this scope'),
  connector: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a connector name').optional().describe('only events that touched this connector (its stream, or run steps calling it)'),
  automation: name('an automation name').optional().describe('only events of this automation and its runs'),
  streamId: name('a stream id').optional().describe('only events of this stream'),
  from: z.iso.datetime({ offset: true }).optional().describe('recorded at or after (ISO-8601)'),
  to: z.iso.datetime({ offset: true }).optional().describe('recorded before (ISO-8601, exclusive)'),
  cursor: z.union([z.string().min(1).max(200), z.number().int().min(1)]).optional().describe('nextCursor of the previous page (opaque)'),
  order: z.enum(['desc', 'asc']).default('desc').describe('desc: newest first (default); asc: oldest first'),
  limit: z.number().int().min(1).max(MAX_AUDIT_PAGE).default(DEFAULT_AUDIT_PAGE),
});
export type AuditFilterInput = z.input<typeof auditFilterInput>;

export interface AuditFilter {
  userId?: string;
  tool?: string;
  type?: { exact: string } | { prefix: string };
  scope?: string;
  connector?: string;
  automation?: string;
  streamId?: string;
  /** [from, to) on recorded-at, ISO-8601 UTC with milliseconds as the log records it. */
  from?: string;
  to?: string;
  order: 'desc' | 'asc';
  /** Keyset: only entries past this position in the page order. */
  after?: number;
  limit: number;
}

/** Validates the filters and turns the opaque cursor back into a position; a bad value is a ValidationError (`audit.invalid_filter`). */
export function parseAuditFilter(raw: unknown): AuditFilter {
  const parsed = auditFilterInput.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
    throw new ValidationError('audit.invalid_filter', `invalid audit filter: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  const { type, from, to, cursor, ...rest } = parsed.data;
  const range = { from: from === undefined ? undefined : utc(from), to: to === undefined ? undefined : utc(to) };
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
    throw new ValidationError('audit.invalid_filter', 'invalid audit filter: from must be before to', { issues: [{ path: 'from', message: 'must be before to' }] });
  }
  return {
    ...rest,
    ...(type !== undefined && { type: type.endsWith('*') ? { prefix: type.slice(0, -1) } : { exact: type } }),
    ...(range.from !== undefined && { from: range.from }),
    ...(range.to !== undefined && { to: range.to }),
    ...(cursor !== undefined && { after: positionOf(cursor, rest.order) }),
  };
}

/** The cursor of the page after the one ending at `position`: opaque to callers, bound to the order. */
export function encodeAuditCursor(position: number, order: 'desc' | 'asc'): string {
  return Buffer.from(JSON.stringify({ p: position, o: order })).toString('base64url');
}

function positionOf(cursor: string | number, order: 'desc' | 'asc'): number {
  // A bare position is the cursor of the first versions of audit_query (newest first only).
  if (typeof cursor === 'number') {
    if (order === 'desc') return cursor;
    throw invalidCursor();
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const { p, o } = (decoded ?? {}) as { p?: unknown; o?: unknown };
  if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 0 || o !== order) throw invalidCursor();
  return p;
}

function invalidCursor(): ValidationError {
  return new ValidationError('audit.invalid_cursor', 'invalid audit cursor: pass the nextCursor of the previous page, with the same order');
}

function utc(iso: string): string {
  return new Date(iso).toISOString();
}
