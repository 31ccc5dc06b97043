import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ToolIssue } from '#mcp/nest';

/** Validators by schema object: a published definition's schema is never changed (another object with the same schema compiles anew). */
const compiled = new WeakMap<object, (input: unknown) => ToolIssue[]>();

/**
 * Validates a run's input against its automation's published input schema. One ajv instance per
 * schema: tenants' schemas may carry `$id`s that must never meet in a shared instance.
 */
export function compileInputValidator(schema: object): (input: unknown) => ToolIssue[] {
  let check = compiled.get(schema);
  if (!check) {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, logger: false });
    const validate: ValidateFunction = ajv.compile(schema);
    check = (input) => (validate(input) ? [] : (validate.errors ?? []).map(toIssue));
    compiled.set(schema, check);
  }
  return check;
}

function toIssue(error: ErrorObject): ToolIssue {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return { path, message: `${error.message ?? 'is invalid'}${extra}` };
}
