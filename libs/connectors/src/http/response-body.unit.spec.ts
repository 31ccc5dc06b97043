import { describe, expect, it } from '@jest/globals';
import { decodeBody, readBodyBytes, ResponseTooLargeError, utf8Prefix } from './response-body.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

describe('decodeBody', () => {
  it('parses JSON content types, problem+json included', () => {
    expect(decodeBody(bytes('{"a":[1]}'), 'application/json; charset=utf-8', 100)).toEqual({ a: [1] });
    expect(decodeBody(bytes('{"title":"x"}'), 'application/problem+json', 100)).toEqual({ title: 'x' });
    expect(decodeBody(bytes(''), 'application/json', 100)).toBeNull();
  });

  it('keeps other types, and JSON that does not parse, as text cut to the limit', () => {
    expect(decodeBody(bytes('{"a":'), 'application/json', 100)).toBe('{"a":');
    expect(decodeBody(bytes('hello world'), 'text/plain', 5)).toBe('hello');
    expect(decodeBody(bytes('{"a":1}'), null, 100)).toBe('{"a":1}');
  });
});

describe('utf8Prefix', () => {
  it('cuts before a multi-byte character rather than through it', () => {
    expect(utf8Prefix(bytes('aé'), 2)).toBe('a');
    expect(utf8Prefix(bytes('aé'), 3)).toBe('aé');
  });
});

describe('readBodyBytes', () => {
  it('fails beyond the cap, whether declared or streamed', async () => {
    await expect(readBodyBytes(new Response('x'.repeat(11)), 10, 'fail')).rejects.toBeInstanceOf(ResponseTooLargeError);
    const streamed = new Response(new ReadableStream({ start: (c) => { c.enqueue(bytes('x'.repeat(6))); c.enqueue(bytes('y'.repeat(6))); c.close(); } }));
    await expect(readBodyBytes(streamed, 10, 'fail')).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('truncates at the cap in truncate mode', async () => {
    expect(Buffer.from(await readBodyBytes(new Response('abcdefghijkl'), 5, 'truncate')).toString()).toBe('abcde');
    expect(Buffer.from(await readBodyBytes(new Response('abc'), 5, 'fail')).toString()).toBe('abc');
  });
});
