import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ToolIssue } from '#mcp/nest';

/**
 * Validates a run's input against its automation's published input schema. One ajv instance per
 * schema: tenants' schemas may carry `$id`s that must never meet in a shared instance.
 */
export function compileInputValidator(schema: object): (input: unknown) => ToolIssue[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, logger: false });
  const validate: ValidateFunction = ajv.compile(schema);
  return (input) => (validate(input) ? [] : (validate.errors ?? []).map(toIssue));
}

function toIssue(error: ErrorObject): ToolIssue {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return { path, message: `${error.message ?? 'is invalid'}${extra}` };
}
