import { describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { documentRefusals } from './openapi-refusals.js';

const document = (): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  components: { schemas: { BodyDto: { type: 'object', properties: { a: { type: 'string' } } }, ResultDto: { type: 'object', properties: { b: { type: 'string' } } } } },
  paths: {
    '/v1/things/{id}': {
      put: {
        security: [{ bearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/BodyDto' } } } },
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/ResultDto' } } } }, '404': { description: 'thing.not_found' } },
      },
    },
    '/healthz': { get: { responses: { '200': { description: 'ok' } } } },
  },
});

describe('documentRefusals', () => {
  it('gives a secured operation with a body every global refusal, each with its typed error body, and keeps what the controller said', () => {
    const { paths } = documentRefusals(document());
    const { responses } = paths['/v1/things/{id}']!.put!;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '415']);
    expect(responses['404']).toEqual({ description: 'thing.not_found', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    for (const status of ['401', '403']) {
      expect(responses[status]).toMatchObject({ content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/AuthError' }, { $ref: '#/components/schemas/Error' }] } } } });
    }
    expect(responses['200']).toEqual(document().paths['/v1/things/{id}']!.put!.responses['200']);
  });

  it('adds nothing to a public operation without input', () => {
    expect(documentRefusals(document()).paths['/healthz']!.get!.responses).toEqual({ '200': { description: 'ok' } });
  });

  it('closes request bodies (the ValidationPipe forbids unknown properties), not responses', () => {
    const { components } = documentRefusals(document());
    expect(components!.schemas!.BodyDto).toMatchObject({ additionalProperties: false });
    expect(components!.schemas!.ResultDto).not.toHaveProperty('additionalProperties');
    expect(components!.schemas!.Error).toMatchObject({ required: ['error'] });
  });
});
