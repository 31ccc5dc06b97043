import { Ajv } from 'ajv';

/** The parts of an OpenAPI 3.0 document this check reads. */
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
}

/**
 * Checks answers against the response schemas of the platform's own OpenAPI document (Ajv knows
 * OpenAPI's `nullable`; formats are not checked). Throws with Ajv's errors when an answer does
 * not match, or when the document has no JSON schema for that status: an undocumented answer
 * fails too.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

  private constructor(private readonly document: OpenApiDocument) {
    this.ajv.addSchema(document as object, 'openapi');
  }

  static async load(baseUrl: string): Promise<OpenApiConformance> {
    return new OpenApiConformance((await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as OpenApiDocument);
  }

  /** `path` as the document names it (`/v1/runs/{runId}`), `method` lower case. */
  check(path: string, method: string, status: number, body: unknown): void {
    if (!this.document.paths[path]?.[method]?.responses?.[String(status)]?.content?.['application/json']?.schema) {
      throw new Error(`the OpenAPI document has no JSON schema for ${method.toUpperCase()} ${path} ${status}`);
    }
    const pointer = ['paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema'].map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    const validate = this.ajv.compile({ $ref: `openapi#/${pointer}` });
    if (!validate(body)) throw new Error(`${method.toUpperCase()} ${path} ${status} does not match its schema: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  }
}
