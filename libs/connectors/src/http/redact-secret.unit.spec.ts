import { describe, expect, it } from '@jest/globals';
import { redactedCause, redactedPrefix, redactSecret, secretSpan } from './redact-secret.js';

const secret = 'p@ss word/+';

describe('redactSecret', () => {
  it('removes the raw and the URL-encoded spellings', () => {
    const text = `raw ${secret} component ${encodeURIComponent(secret)} form ${new URLSearchParams({ k: secret }).toString()}`;
    const redacted = redactSecret(text, secret);
    expect(redacted).toBe('raw [redacted] component [redacted] form k=[redacted]');
  });

  it('leaves text alone without a secret', () => {
    expect(redactSecret('anything', undefined)).toBe('anything');
    expect(secretSpan(undefined)).toBe(0);
  });
});

describe('redactedPrefix', () => {
  it('cuts at maxChars but never through the secret', () => {
    const text = `${'a'.repeat(8)}${secret}${'b'.repeat(50)}`;
    expect(redactedPrefix(text, secret, 10)).toBe(`${'a'.repeat(8)}[redacted]`);
    expect(redactedPrefix(text, secret, 5)).toBe('aaaaa');
  });

  it('does not pull a cut-off secret into the prefix when earlier redactions shorten the text', () => {
    const long = 'S'.repeat(100);
    const text = `${long}${'x'.repeat(20)}${long.slice(0, 50)}`;
    expect(redactedPrefix(text, long, 120)).toBe(`[redacted]${'x'.repeat(20)}`);
  });
});

describe('redactedCause', () => {
  it('copies name, code and the cause chain, redacted', () => {
    const inner = Object.assign(new Error(`header ${secret} invalid`), { code: 'ERR_X' });
    const outer = new TypeError('fetch failed', { cause: inner });
    const copy = redactedCause(outer, secret);
    expect([copy.name, copy.message]).toEqual(['TypeError', 'fetch failed']);
    expect(copy.cause).toMatchObject({ message: 'header [redacted] invalid', code: 'ERR_X' });
  });
});
