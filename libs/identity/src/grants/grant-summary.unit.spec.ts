import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { decodeGrantCursor, encodeGrantCursor } from './grant-cursor.js';
import { grantSummaryOf } from './grant-summary.js';

const RESOURCE = 'https://ledgerline.example/mcp';

describe('grantSummaryOf', () => {
  it('reads who, which client, the scopes granted for the resource less those refused, and the times', () => {
    const payload = {
      accountId: 'acme:alice', clientId: 'agent', iat: 1_700_000_000, exp: 1_700_086_400,
      resources: { [RESOURCE]: 'memory:read memory:write audit:read', 'https://elsewhere/': 'x:y' },
      rejected: { resources: { [RESOURCE]: 'audit:read' } },
    };
    expect(grantSummaryOf('g1', payload, RESOURCE)).toEqual({
      grantId: 'g1', tenantId: 'acme', userId: 'alice', clientId: 'agent', scopes: ['memory:read', 'memory:write'],
      issuedAt: '2023-11-14T22:13:20.000Z', expiresAt: '2023-11-15T22:13:20.000Z',
    });
  });

  it('is undefined for a payload without an account or a client, and has no scopes without the resource', () => {
    expect(grantSummaryOf('g', { clientId: 'agent' }, RESOURCE)).toBeUndefined();
    expect(grantSummaryOf('g', { accountId: 'nocolon', clientId: 'agent' }, RESOURCE)).toBeUndefined();
    expect(grantSummaryOf('g', { accountId: 'acme:alice' }, RESOURCE)).toBeUndefined();
    expect(grantSummaryOf('g', { accountId: 'acme:alice', clientId: 'agent' }, RESOURCE)).toMatchObject({ scopes: [], expiresAt: null });
  });
});

describe('grant cursors', () => {
  it('round-trip a position', () => {
    const position = { createdAt: 1_700_000_000_123, id: 'AbC_-9' };
    expect(decodeGrantCursor(encodeGrantCursor(position))).toEqual(position);
  });

  it.each(['', 'not base64!', Buffer.from('12.').toString('base64url'), Buffer.from('x.id').toString('base64url'), Buffer.from('1.a b').toString('base64url'), 'A'.repeat(121)])(
    'refuse %p with identity.grant.invalid_cursor',
    (cursor) => {
      expect(() => decodeGrantCursor(cursor)).toThrow(ValidationError);
      expect(() => decodeGrantCursor(cursor)).toThrow(expect.objectContaining({ code: 'identity.grant.invalid_cursor' }));
    },
  );
});
