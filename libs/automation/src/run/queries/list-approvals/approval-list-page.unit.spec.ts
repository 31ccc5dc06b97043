import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { decodeApprovalListCursor, encodeApprovalListCursor } from './approval-list-page.js';

const token = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('approval list cursor', () => {
  it('gives back the position it was made from', () => {
    const last = { requestedAt: '2026-03-01T10:11:12.345Z', approvalId: 'run-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.ask' };
    expect(decodeApprovalListCursor(encodeApprovalListCursor(last))).toEqual(last);
  });

  it.each([
    ['garbage', 'garbage!'],
    ['a run list cursor', token(['2026-03-01T10:11:12.345Z', 42])],
    ['an id that is no approval id', token(['2026-03-01T10:11:12.345Z', 'run-x.ask'])],
    ['a time that is no instant', token(['soon', 'run-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.ask'])],
  ])('refuses %s with approval.invalid_cursor', (_what, cursor) => {
    expect(() => decodeApprovalListCursor(cursor)).toThrow(ValidationError);
    expect(() => decodeApprovalListCursor(cursor)).toThrow(expect.objectContaining({ code: 'approval.invalid_cursor' }));
  });
});
