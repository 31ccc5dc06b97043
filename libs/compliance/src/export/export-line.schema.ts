import { z } from 'zod';
import { EXPORT_FORMAT } from './export-format.js';

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256');
const position = z.number().int().min(1);
const json = z.json();

const range = z.strictObject({ since: z.iso.datetime().optional(), until: z.iso.datetime().optional() });
const exportPosition = z.strictObject({ tenantPosition: position, globalPosition: position });

export const headerLineSchema = z.strictObject({
  kind: z.literal('header'),
  format: z.literal(EXPORT_FORMAT),
  tenantId: z.string().min(1),
  createdAt: z.iso.datetime(),
  range,
  chainStart: hash,
  includesViews: z.boolean(),
});

/** The stored envelope: every member the chain covers, with its type, so chainHash sees what it expects. */
export const eventLineSchema = z.strictObject({
  kind: z.literal('event'),
  event: z.strictObject({
    globalPosition: position,
    tenantId: z.string(),
    tenantPosition: position,
    streamId: z.string(),
    streamVersion: position,
    eventId: z.string(),
    type: z.string(),
    schemaVersion: z.number().int(),
    data: json,
    metadata: z.record(z.string(), json),
    recordedAt: z.string(),
    hash,
  }),
  opened: json.optional(),
});

export const stubLineSchema = z.strictObject({
  kind: z.enum(['archived', 'elided']),
  tenantPosition: position,
  globalPosition: position,
  streamId: z.string(),
  streamVersion: position,
  hash,
});

export const viewLineSchema = z.strictObject({
  kind: z.literal('view'),
  projection: z.string(),
  table: z.string(),
  row: z.record(z.string(), json),
});

export const manifestLineSchema = z.strictObject({
  kind: z.literal('manifest'),
  manifest: z.strictObject({
    format: z.literal(EXPORT_FORMAT),
    tenantId: z.string(),
    createdAt: z.iso.datetime(),
    range,
    counts: z.strictObject({
      events: z.number().int().min(0),
      byType: z.record(z.string(), z.number().int().min(1)),
      viewRows: z.number().int().min(0),
      archived: z.number().int().min(1).optional(),
      elided: z.number().int().min(1).optional(),
    }),
    first: exportPosition.nullable(),
    last: exportPosition.nullable(),
    chainStart: hash,
    chainHead: hash,
    contentSha256: hash,
    keyId: z.string().min(1),
  }),
  signature: z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url'),
});

/** The first problem zod found, as `path: message`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}
