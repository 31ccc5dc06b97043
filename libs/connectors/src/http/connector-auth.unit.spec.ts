import { describe, expect, it } from '@jest/globals';
import { IllegalStateError } from '#core';
import { renderConnectorAuth } from './connector-auth.js';

const bearer = { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } as const;

describe('renderConnectorAuth', () => {
  it('puts the secret into the template, for a header or a query parameter', () => {
    expect(renderConnectorAuth(bearer, 's3cr3t')).toEqual({ placement: 'header', name: 'Authorization', value: 'Bearer s3cr3t' });
    expect(renderConnectorAuth({ placement: 'query', name: 'key', template: '{{secret}}' }, 'a&b=c')).toEqual({ placement: 'query', name: 'key', value: 'a&b=c' });
  });

  it('keeps replacement patterns in the secret literal', () => {
    expect(renderConnectorAuth(bearer, "$&$1$'")).toMatchObject({ value: "Bearer $&$1$'" });
  });

  it('needs no secret without auth', () => {
    expect(renderConnectorAuth(undefined, undefined)).toEqual({ placement: 'none' });
  });

  it('refuses a missing secret when auth is configured', () => {
    for (const secret of [undefined, '']) {
      expect(() => renderConnectorAuth(bearer, secret)).toThrow(expect.objectContaining({ code: 'connector.secret_missing' }) as unknown as Error);
    }
  });

  it('refuses a secret that cannot travel in a header, without quoting it', () => {
    try {
      renderConnectorAuth(bearer, 'abc\r\nX-Evil: 1');
    } catch (error) {
      expect(error).toBeInstanceOf(IllegalStateError);
      expect(error).toMatchObject({ code: 'connector.secret_invalid' });
      expect(JSON.stringify(error) + (error as Error).message).not.toContain('X-Evil');
      return;
    }
    throw new Error('secret was accepted');
  });
});
