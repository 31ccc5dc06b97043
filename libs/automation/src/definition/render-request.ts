import { ValidationError, type JsonValue } from '#core';
import type { HttpMethod, HttpRequestTemplate } from './http-request.schema.js';
import { renderPath, renderString, renderTemplate } from './template.js';
import type { TemplateContext } from './template-reference.js';

/** A connector request ready to send; query values are raw strings (the HTTP client encodes them). */
export interface RenderedHttpRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: JsonValue;
}

// A CR or LF in a header value would let run input start a new header or a new request.
const HEADER_BREAK = /[\r\n\0]/;

/**
 * Renders a request template for one attempt: the path with percent-encoded values, query and
 * header values as strings (headers refusing CR, LF and NUL with `automation.template_invalid_header`),
 * the body with typed values.
 */
export function renderRequest(template: HttpRequestTemplate, context: TemplateContext): RenderedHttpRequest {
  const rendered: RenderedHttpRequest = { method: template.method, path: renderPath(template.path, context) };
  if (template.query) rendered.query = mapValues(template.query, (value) => renderString(value, context));
  if (template.headers) {
    rendered.headers = mapValues(template.headers, (value, name) => {
      const header = renderString(value, context);
      if (HEADER_BREAK.test(header)) {
        throw new ValidationError('automation.template_invalid_header', `the value of header ${name} contains a line break or NUL after rendering`, { header: name });
      }
      return header;
    });
  }
  if (template.body !== undefined) rendered.body = renderTemplate(template.body, context);
  return rendered;
}

function mapValues(record: Record<string, string>, render: (value: string, key: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, render(value, key)]));
}
