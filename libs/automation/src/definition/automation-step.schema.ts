import { z } from 'zod';
import { CONNECTOR_NAME } from '#connectors';
import { httpRequestTemplateSchema } from './http-request.schema.js';
import { jsonValueSchema } from './json-value.schema.js';
import { retryPolicySchema } from './retry-policy.schema.js';

export const STEP_ID_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** Where a condition step goes when its condition is false, besides a later step's id. */
export const OTHERWISE_OUTCOMES = ['complete', 'fail'] as const;
export const MAX_TIMEOUT_SECONDS = 2_592_000;

const stepId = z.string()
  .regex(STEP_ID_PATTERN, { error: 'step ids are 1-32 characters of a-z, 0-9 and _, starting with a letter' })
  .refine((id) => !(OTHERWISE_OUTCOMES as readonly string[]).includes(id), { error: 'complete and fail are reserved for condition outcomes' });
const connector = z.string().regex(CONNECTOR_NAME, { error: 'connector names are 1-63 characters of a-z, 0-9, _ and -, starting with a letter' });
const seconds = z.int().min(1).max(MAX_TIMEOUT_SECONDS);

const compensationSchema = z.strictObject({ connector, request: httpRequestTemplateSchema });

/**
 * What a dry run answers for the step's call instead of calling (an empty 200 without it). A
 * non-2xx status fails the step in the plan as the live call's failure would (retries included).
 */
const dryRunResponseSchema = z.strictObject({
  status: z.int().min(200).max(599).default(200),
  headers: z.record(z.string().min(1).max(256), z.string().max(8192)).refine((headers) => Object.keys(headers).length <= 50, 'at most 50 headers').optional(),
  body: jsonValueSchema.optional(),
});

const callStepSchema = z.strictObject({
  id: stepId,
  type: z.literal('call'),
  connector,
  request: httpRequestTemplateSchema,
  retry: retryPolicySchema.prefault({}),
  compensate: compensationSchema.optional(),
  dryRunResponse: dryRunResponseSchema.optional(),
});

/** A group of approvers: a name in the token's groups claim, or a tenant-managed list by that name. */
export const GROUP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
const group = z.string().regex(GROUP_NAME_PATTERN, { error: 'group names are 1-128 characters of A-Z, a-z, 0-9, _ . : @ and -, starting with a letter or digit' });
/** Where a notification goes on its connector: a fixed path (no templates: a notice carries no run data in its URL). */
const notifyPath = z.string().min(1).max(2048)
  .refine((path) => /^\/(?!\/)[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(path), { error: 'must start with a single "/" and hold only URL path characters (no query, fragment or template)' })
  .refine((path) => !path.split('/').some((segment) => segment === '.' || segment === '..'), { error: 'must not contain "." or ".." segments' });

const approvalStepSchema = z.strictObject({
  id: stepId,
  type: z.literal('approval'),
  prompt: z.string().min(1).max(1000),
  timeoutSeconds: seconds.optional(),
  /** Who may decide: without it, anyone with approvals:decide but the starter. */
  approvers: z.strictObject({ group }).optional(),
  /** A notice every `everySeconds` after the request until it is decided, expires or the run ends. */
  reminders: z.strictObject({ everySeconds: seconds }).optional(),
  /** After `afterSeconds`, the approval is also offered to `group`, and the connector told once. */
  escalation: z.strictObject({ afterSeconds: seconds, group }).optional(),
  /** The tenant connector that receives reminders and escalations (POSTed to `path`, "/" by default). */
  notify: z.strictObject({ connector, path: notifyPath.optional() }).optional(),
});

const waitStepSchema = z.strictObject({
  id: stepId,
  type: z.literal('wait'),
  seconds: seconds.optional(),
  until: z.string().min(1).max(200).optional(),
}).transform((step, ctx): WaitStep => {
  if (step.seconds !== undefined && step.until === undefined) return { id: step.id, type: step.type, seconds: step.seconds };
  if (step.until !== undefined && step.seconds === undefined) return { id: step.id, type: step.type, until: step.until };
  ctx.addIssue({ code: 'custom', input: step, message: 'a wait step needs exactly one of seconds or until' });
  return z.NEVER;
});

const COMPARISON_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const;
const PRESENCE_OPS = ['exists', 'not_exists'] as const;
const conditionPath = z.string().min(1).max(300);

export const conditionSchema = z.discriminatedUnion('op', [
  z.strictObject({ path: conditionPath, op: z.enum(COMPARISON_OPS), value: jsonValueSchema }),
  z.strictObject({ path: conditionPath, op: z.enum(PRESENCE_OPS) }),
], { error: (issue) => (issue.code === 'invalid_union' ? `op must be one of ${[...COMPARISON_OPS, ...PRESENCE_OPS].join(', ')}` : undefined) });

const conditionStepSchema = z.strictObject({
  id: stepId,
  type: z.literal('condition'),
  when: conditionSchema,
  otherwise: z.string().regex(STEP_ID_PATTERN, { error: 'otherwise is "complete", "fail" or the id of a later step' }),
});

export const STEP_TYPES = ['call', 'approval', 'wait', 'condition'] as const;

export const automationStepSchema = z.discriminatedUnion('type', [callStepSchema, approvalStepSchema, waitStepSchema, conditionStepSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? `type must be one of ${STEP_TYPES.join(', ')}` : undefined),
});

export type CallStep = z.output<typeof callStepSchema>;
export type DryRunResponse = z.output<typeof dryRunResponseSchema>;
export type CompensationTemplate = z.output<typeof compensationSchema>;
export type ApprovalStep = z.output<typeof approvalStepSchema>;
/** Waits a number of seconds, or until an ISO-8601 instant that `until` renders to; never both. */
export type WaitStep =
  | { id: string; type: 'wait'; seconds: number; until?: undefined }
  | { id: string; type: 'wait'; until: string; seconds?: undefined };
export type ConditionStep = z.output<typeof conditionStepSchema>;
/** Compares the value at `path` (a bare reference) with `value`, or tests that the path resolves. */
export type Condition = z.output<typeof conditionSchema>;
export type ConditionOp = Condition['op'];
export type AutomationStep = z.output<typeof automationStepSchema>;
