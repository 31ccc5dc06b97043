import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { renderPath, renderString, renderTemplate, templateReferences } from './template.js';
import type { TemplateContext } from './template-reference.js';

const context: TemplateContext = {
  input: { invoiceId: 'INV-7', amount: 12.5, paid: false, note: null, lines: [{ sku: 'a' }, { sku: 'b' }], customer: { name: 'Ada' }, sneaky: '{{run.id}}' },
  steps: { create: { output: { status: 201, body: { id: 'pay_1', tags: ['x'] } } } },
  run: { id: 'run_42', startedBy: 'user_1' },
};

function refusal(render: () => unknown): ValidationError {
  try {
    render();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('rendering succeeded');
}

describe('renderTemplate', () => {
  it('keeps the JSON type of a value when the string is exactly one placeholder', () => {
    expect(renderTemplate('{{input.amount}}', context)).toBe(12.5);
    expect(renderTemplate('{{ input.paid }}', context)).toBe(false);
    expect(renderTemplate('{{input.note}}', context)).toBeNull();
    expect(renderTemplate('{{input.customer}}', context)).toEqual({ name: 'Ada' });
    expect(renderTemplate('{{steps.create.output.body.tags}}', context)).toEqual(['x']);
  });

  it('stringifies values embedded in a longer string: strings as they are, others as JSON', () => {
    expect(renderTemplate('inv-{{input.invoiceId}}', context)).toBe('inv-INV-7');
    expect(renderTemplate('{{input.amount}} EUR', context)).toBe('12.5 EUR');
    expect(renderTemplate('c={{input.customer}} n={{input.note}}', context)).toBe('c={"name":"Ada"} n=null');
  });

  it('renders strings anywhere in objects and arrays but leaves keys and other values alone', () => {
    const template = { '{{input.invoiceId}}': ['{{input.lines.1.sku}}', 3, true, null], by: '{{run.startedBy}}', run: '{{run.id}}' };
    expect(renderTemplate(template, context)).toEqual({ '{{input.invoiceId}}': ['b', 3, true, null], by: 'user_1', run: 'run_42' });
  });

  it('never renders an inserted value again', () => {
    expect(renderTemplate('{{input.sneaky}}', context)).toBe('{{run.id}}');
    expect(renderTemplate('x {{input.sneaky}}', context)).toBe('x {{run.id}}');
    expect(renderPath('/a/{{input.sneaky}}', context)).toBe(`/a/${encodeURIComponent('{{run.id}}')}`);
  });

  it('returns copies, so changing the output cannot change the run', () => {
    const customer = renderTemplate('{{input.customer}}', context) as { name: string };
    customer.name = 'Eve';
    expect(renderTemplate('{{input.customer.name}}', context)).toBe('Ada');
  });

  it('keeps a "__proto__" key as a plain key', () => {
    const template = JSON.parse('{"__proto__": {"polluted": "{{run.id}}"}}') as { [key: string]: string };
    const rendered = renderTemplate(template, context) as object;
    expect(Object.getPrototypeOf(rendered)).toBe(Object.prototype);
    expect(Object.hasOwn(rendered, '__proto__')).toBe(true);
    expect(JSON.stringify(rendered)).toBe('{"__proto__":{"polluted":"run_42"}}');
  });

  it('refuses a reference that does not resolve, naming it', () => {
    for (const ref of ['input.missing', 'input.lines.2', 'input.lines.length', 'input.invoiceId.length', 'steps.later.output', 'secret', 'process.env.HOME']) {
      const error = refusal(() => renderTemplate(`{{${ref}}}`, context));
      expect(error.code).toBe('automation.template_unresolved');
      expect(error.details).toEqual({ ref });
    }
  });

  it('refuses prototype segments even where they would resolve in JavaScript', () => {
    for (const ref of ['input.__proto__', 'input.customer.constructor', 'input.constructor.prototype', '__proto__']) {
      expect(refusal(() => renderTemplate(`{{${ref}}}`, context)).code).toBe('automation.template_invalid_reference');
    }
    expect(refusal(() => renderTemplate('{{input.toString}}', context)).code).toBe('automation.template_unresolved');
  });

  it('refuses expressions instead of evaluating them', () => {
    const error = refusal(() => renderTemplate('{{ input.amount * 2 }}', context));
    expect(error.code).toBe('automation.template_invalid_reference');
  });
});

describe('renderString', () => {
  it('always yields a string', () => {
    expect(renderString('{{input.amount}}', context)).toBe('12.5');
    expect(renderString('{{input.customer}}', context)).toBe('{"name":"Ada"}');
  });
});

describe('renderPath', () => {
  const hostile: TemplateContext = { ...context, input: { up: '../../admin', query: 'a/b?c#d', space: 'x y', dots: '..', dot: '.', empty: '', encodedDots: '%2e%2E' } };

  it('percent-encodes inserted values so they stay inside one segment', () => {
    expect(renderPath('/invoices/{{input.up}}/pay', hostile)).toBe('/invoices/..%2F..%2Fadmin/pay');
    expect(renderPath('/invoices/{{input.query}}', hostile)).toBe('/invoices/a%2Fb%3Fc%23d');
    expect(renderPath('/invoices/{{input.space}}', hostile)).toBe('/invoices/x%20y');
    expect(renderPath('/pay/{{steps.create.output.status}}', hostile)).toBe('/pay/201');
  });

  it('refuses values that would become a dot segment or an empty segment', () => {
    for (const ref of ['dots', 'dot', 'empty']) {
      expect(refusal(() => renderPath(`/invoices/{{input.${ref}}}/pay`, hostile)).code).toBe('automation.template_invalid_path');
    }
    expect(renderPath('/invoices/{{input.encodedDots}}', hostile)).toBe('/invoices/%252e%252E');
    expect(refusal(() => renderPath('/invoices/.{{input.dot}}', hostile)).code).toBe('automation.template_invalid_path');
  });
});

describe('templateReferences', () => {
  it('lists each reference once, in order, from strings only (not keys)', () => {
    const template = { '{{input.key}}': ['{{ input.a }} and {{input.b}}', { c: '{{input.a}}' }], n: 1, s: 'plain {{ steps.x.output }}' };
    expect(templateReferences(template)).toEqual(['input.a', 'input.b', 'steps.x.output']);
  });
});
