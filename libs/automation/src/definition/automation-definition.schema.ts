import { z } from 'zod';
import type { JsonObject } from '#core';
import { automationStepSchema, MAX_TIMEOUT_SECONDS } from './automation-step.schema.js';
import { jsonValueSchema } from './json-value.schema.js';

export const AUTOMATION_NAME_PATTERN = /^[a-z][a-z0-9_]{2,47}$/;
/** The name becomes an MCP tool name, so it must not collide with the platform's own tools. */
export const RESERVED_NAME_PREFIXES: readonly string[] = ['memory_', 'audit_', 'run_', 'approval_', 'connector_', 'automation_', 'tenant_'];
export const MAX_STEPS = 50;
export const DEFAULT_RUN_TIMEOUT_SECONDS = 86_400;

const name = z.string()
  .regex(AUTOMATION_NAME_PATTERN, { error: 'names are 3-48 characters of a-z, 0-9 and _, starting with a letter' })
  .superRefine((value, ctx) => {
    const prefix = RESERVED_NAME_PREFIXES.find((reserved) => value.startsWith(reserved));
    if (prefix) ctx.addIssue({ code: 'custom', input: value, message: `the prefix ${prefix} is reserved for the platform's own tools` });
  });

// The shape only; inputSchema's content is proven with ajv by check-input-schema.ts.
const inputSchema = jsonValueSchema.refine((value): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value), {
  error: 'must be a JSON Schema object such as {"type":"object","properties":{…}}',
});

export const automationDefinitionSchema = z.strictObject({
  name,
  title: z.string().min(1).max(100),
  description: z.string().min(1).max(2000),
  inputSchema,
  timeoutSeconds: z.int().min(1).max(MAX_TIMEOUT_SECONDS).default(DEFAULT_RUN_TIMEOUT_SECONDS),
  steps: z.array(automationStepSchema).min(1).max(MAX_STEPS),
});

/** A validated automation definition with defaults applied (see parseAutomationDefinition). */
export type AutomationDefinition = z.output<typeof automationDefinitionSchema>;
/** A definition as a tenant admin writes it, before defaults. */
export type AutomationDefinitionInput = z.input<typeof automationDefinitionSchema>;
