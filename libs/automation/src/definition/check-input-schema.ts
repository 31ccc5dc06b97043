import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { issuePath, type DefinitionIssue } from './definition-issues.js';

export const MAX_INPUT_SCHEMA_BYTES = 32 * 1024;
/** The top-level tool argument that asks for a dry run instead of a run. */
export const DRY_RUN_ARGUMENT = 'dryRun';

// Known formats are accepted without being checked here, so a typo such as "date-tme" is still refused by strict mode.
const STANDARD_FORMATS = [
  'date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6', 'uri',
  'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex',
];

/**
 * Proves that `schema` is a JSON Schema (draft 2020-12) for an object that ajv compiles in strict
 * mode. Nothing is fetched: a `$ref` to another document is reported as an issue.
 */
export function inputSchemaIssues(schema: Record<string, unknown>): DefinitionIssue[] {
  const bytes = new TextEncoder().encode(JSON.stringify(schema)).length;
  if (bytes > MAX_INPUT_SCHEMA_BYTES) return [{ path: 'inputSchema', message: `is ${bytes} bytes as JSON; the limit is ${MAX_INPUT_SCHEMA_BYTES}` }];
  const issues: DefinitionIssue[] = [];
  // The automation's tool takes `dryRun` itself (and strips it before the input is checked): an input property of that name could never be given.
  if (isPlainObject(schema['properties']) && Object.hasOwn(schema['properties'], DRY_RUN_ARGUMENT)) {
    issues.push({ path: `inputSchema.properties.${DRY_RUN_ARGUMENT}`, message: `is reserved: the automation's tool takes ${DRY_RUN_ARGUMENT} (a boolean) to plan a dry run` });
  }
  if (schema['type'] !== 'object') issues.push({ path: 'inputSchema.type', message: 'must be "object": a run input is a JSON object' });
  // A fresh instance per definition: tenant schemas may carry $id values that must not meet in a shared cache.
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    allowUnionTypes: true,
    logger: false,
    formats: Object.fromEntries(STANDARD_FORMATS.map((format) => [format, true])),
  });
  if (!ajv.validateSchema(schema)) return [...issues, ...metaSchemaIssues(ajv.errors ?? [])];
  try {
    ajv.compile(schema);
  } catch (error) {
    issues.push({ path: 'inputSchema', message: `does not compile: ${error instanceof Error ? error.message : String(error)}` });
  }
  return issues;
}

/** The input properties a template may name, or undefined when the schema does not list them. */
export function declaredInputProperties(schema: unknown): ReadonlySet<string> | undefined {
  if (!isPlainObject(schema)) return undefined;
  const properties = schema['properties'];
  return isPlainObject(properties) ? new Set(Object.keys(properties)) : undefined;
}

// One issue per schema location; the "anyOf" wrapper adds nothing when its branches were reported.
function metaSchemaIssues(errors: readonly ErrorObject[]): DefinitionIssue[] {
  const byPath = new Map<string, string[]>();
  for (const error of errors) {
    const messages = byPath.get(error.instancePath) ?? [];
    if (!(error.keyword === 'anyOf' && errors.some((other) => other !== error && other.instancePath === error.instancePath))) {
      messages.push(metaSchemaMessage(error));
    }
    byPath.set(error.instancePath, messages);
  }
  return [...byPath].map(([pointer, messages]) => ({ path: issuePath(['inputSchema', ...pointerSegments(pointer)]), message: `invalid JSON Schema: ${messages.join('; or ')}` }));
}

function metaSchemaMessage(error: ErrorObject): string {
  const allowed: unknown = error.params['allowedValues'];
  return Array.isArray(allowed) ? `${error.message ?? 'is invalid'}: ${allowed.map(String).join(', ')}` : (error.message ?? 'is invalid');
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
