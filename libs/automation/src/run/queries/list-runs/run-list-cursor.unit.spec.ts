import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { decodeRunListCursor, encodeRunListCursor } from './run-list-cursor.js';

const token = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('run list cursor', () => {
  it('gives back the position it was made from, as an opaque URL-safe token', () => {
    const last = { startedAt: '2026-03-01T10:11:12.345Z', position: 9_007_199_254_740_991 };
    const cursor = encodeRunListCursor(last);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeRunListCursor(cursor)).toEqual(last);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a b'],
    ['not JSON', token('["2026-03-01T10:11:12.345Z",')],
    ['a bare position (the first run_list cursors)', '42'],
    ['JSON null', token('null')],
    ['an object', token({ t: '2026-03-01T10:11:12.345Z', p: 1 })],
    ['no position', token(['2026-03-01T10:11:12.345Z'])],
    ['a time that is no instant', token(['yesterday', 1])],
    ['a negative position', token(['2026-03-01T10:11:12.345Z', -1])],
    ['a fractional position', token(['2026-03-01T10:11:12.345Z', 1.5])],
    ['a position past 2^53', token('["2026-03-01T10:11:12.345Z",90071992547409930]')],
    ['a position as text', token(['2026-03-01T10:11:12.345Z', '1'])],
    ['more than a position', token(['2026-03-01T10:11:12.345Z', 1, 2])],
    ['too long', 'A'.repeat(201)],
  ])('refuses %s with run.invalid_cursor', (_what, cursor) => {
    expect(() => decodeRunListCursor(cursor)).toThrow(ValidationError);
    expect(() => decodeRunListCursor(cursor)).toThrow(expect.objectContaining({ code: 'run.invalid_cursor' }));
  });
});
