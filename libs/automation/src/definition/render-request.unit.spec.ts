import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { renderRequest } from './render-request.js';
import type { TemplateContext } from './template-reference.js';

const context: TemplateContext = {
  input: { invoiceId: 'a/b', amount: 10, note: 'ok', evil: 'x\r\nX-Admin: 1' },
  steps: {},
  run: { id: 'run_1', startedBy: 'user_1' },
};

describe('renderRequest', () => {
  it('encodes the path, renders query and headers as strings and keeps body types', () => {
    const rendered = renderRequest({
      method: 'POST', path: '/invoices/{{input.invoiceId}}/pay', query: { amount: '{{input.amount}}' }, headers: { 'X-Run': '{{run.id}}' },
      body: { amount: '{{input.amount}}', ref: 'inv-{{input.invoiceId}}' },
    }, context);
    expect(rendered).toEqual({
      method: 'POST', path: '/invoices/a%2Fb/pay', query: { amount: '10' }, headers: { 'X-Run': 'run_1' }, body: { amount: 10, ref: 'inv-a/b' },
    });
  });

  it('leaves out what the template leaves out', () => {
    expect(renderRequest({ method: 'GET', path: '/status' }, context)).toEqual({ method: 'GET', path: '/status' });
  });

  it('refuses a header value that would contain a line break after rendering', () => {
    try {
      renderRequest({ method: 'GET', path: '/x', headers: { 'X-Note': 'note {{input.evil}}' } }, context);
      throw new Error('rendering succeeded');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('automation.template_invalid_header');
      expect((error as ValidationError).details).toEqual({ header: 'X-Note' });
    }
  });
});
