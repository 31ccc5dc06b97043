import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Responses = Operation['responses'];

const ERROR = 'Error';
const AUTH_ERROR = 'AuthError';

/** The body of every refusal the filters beside this file write, and of every domain error. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+$', description: 'stable, to switch on: e.g. request.invalid, tenant.not_found' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

/** RFC 6750 §3 bodies of the bearer and Origin guards (libs/auth), sent with `WWW-Authenticate`. */
const AUTH_ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'error_description'],
  properties: {
    error: { type: 'string', enum: ['unauthorized', 'invalid_token', 'insufficient_scope', 'forbidden_origin'] },
    error_description: { type: 'string' },
  },
} as const;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** What every operation may answer besides what its controller documents, and why. */
const GLOBAL_REFUSALS: Array<{ status: string; description: string; applies: (operation: Operation) => boolean }> = [
  { status: '400', description: 'invalid input: a body, parameter or query that fails validation (request.invalid, or a domain code)', applies: (op) => op.requestBody !== undefined || (op.parameters?.length ?? 0) > 0 },
  { status: '401', description: 'no bearer token, or one that does not verify', applies: (op) => (op.security?.length ?? 0) > 0 },
  { status: '403', description: "the token lacks the operation's scope (insufficient_scope), its tenant is suspended (tenant.suspended), or a refused Origin", applies: (op) => (op.security?.length ?? 0) > 0 },
  { status: '413', description: 'the body is larger than the platform accepts (request.too_large)', applies: (op) => op.requestBody !== undefined },
  { status: '415', description: 'a body in a content encoding or charset the platform does not read (request.unsupported_encoding)', applies: (op) => op.requestBody !== undefined },
];

/**
 * Completes the generated document with the refusals that come from the app's global set-up rather
 * than from one controller (the ValidationPipe, the body parser, the guards of `@Authenticated`),
 * and gives every 4xx its typed error body: 401 and 403 may come from the guards (RFC 6750 body) or
 * from a domain error, everything else is `{ error: { code, message, details } }`.
 */
export function documentRefusals(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, [ERROR]: structuredClone(ERROR_SCHEMA) as never, [AUTH_ERROR]: structuredClone(AUTH_ERROR_SCHEMA) as never };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      documentOperationRefusals(operation);
      closeRequestBody(document, operation);
    }
  }
  return document;
}

/** The ValidationPipe is set with `forbidNonWhitelisted`: a property its DTO does not declare is refused (400). */
function closeRequestBody(document: OpenAPIObject, operation: Operation): void {
  const body = operation.requestBody;
  const schema = body && !('$ref' in body) ? body.content['application/json']?.schema : undefined;
  const name = schema && '$ref' in schema ? schema.$ref.split('/').at(-1) : undefined;
  const component = name ? document.components?.schemas?.[name] : undefined;
  if (component && !('$ref' in component)) component.additionalProperties = false;
}

function documentOperationRefusals(operation: Operation): void {
  const responses: Responses = operation.responses;
  for (const refusal of GLOBAL_REFUSALS) {
    if (refusal.applies(operation) && !responses[refusal.status]) responses[refusal.status] = { description: refusal.description };
  }
  for (const [status, response] of Object.entries(responses)) {
    if (!status.startsWith('4') || response === undefined || '$ref' in response) continue;
    const schema = status === '401' || status === '403' ? { oneOf: [ref(AUTH_ERROR), ref(ERROR)] } : ref(ERROR);
    response.content = { 'application/json': { schema } };
  }
}
