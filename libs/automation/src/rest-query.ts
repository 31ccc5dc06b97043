import { applyDecorators } from '@nestjs/common';
import { ApiQuery, type ApiQueryOptions } from '@nestjs/swagger';
import { ValidationError } from '#core';
import { z } from 'zod';

type QuerySchema = Extract<ApiQueryOptions, { schema: unknown }>['schema'];

/**
 * A REST query string as `schema` (a strict object) takes it. Query values are text: the fields
 * in `numbers` and `booleans` are converted when well formed, anything else is left for the
 * schema to refuse, a repeated parameter (an array) or an unknown one too.
 * @throws ValidationError (`code`) listing every issue.
 */
export function parseRestQuery<Schema extends z.ZodType>(schema: Schema, query: unknown, code: string, types: { numbers?: string[]; booleans?: string[] } = {}): z.infer<Schema> {
  const values: Record<string, unknown> = { ...(typeof query === 'object' && query !== null ? query : {}) };
  for (const name of types.numbers ?? []) if (typeof values[name] === 'string' && /^\d{1,15}$/.test(values[name])) values[name] = Number(values[name]);
  for (const name of types.booleans ?? []) if (values[name] === 'true' || values[name] === 'false') values[name] = values[name] === 'true';
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(query)', message: issue.message }));
  throw new ValidationError(code, `invalid query: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

/** One optional query parameter per property of `schema`, documented with the JSON schema it is validated by. */
export function ApiQueryOf(schema: z.ZodObject): MethodDecorator {
  const { properties } = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0' }) as { properties: Record<string, QuerySchema> };
  return applyDecorators(...Object.entries(properties).map(([name, property]) => ApiQuery({ name, required: false, schema: property })));
}
