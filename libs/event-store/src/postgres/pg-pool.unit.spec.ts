import { describe, expect, it } from '@jest/globals';
import { UnavailableError, ValidationError } from '#core';
import { storeUnavailableFrom } from './pg-pool.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('storeUnavailableFrom', () => {
  it('classifies a lost connection, a refused one, a connect timeout and a server shutting down as store.unavailable', () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('connection failure', '08006'),
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'all failed'),
    ]) {
      const classified = storeUnavailableFrom(error);
      expect(classified).toBeInstanceOf(UnavailableError);
      expect(classified).toMatchObject({ code: 'store.unavailable', kind: 'unavailable', retryAfterMs: 1000 });
      expect(classified!.message).not.toContain('127.0.0.1'); // no infrastructure detail leaks to callers
    }
  });

  it('leaves every other error alone', () => {
    expect(storeUnavailableFrom(withCode('duplicate key value violates unique constraint', '23505'))).toBeUndefined();
    expect(storeUnavailableFrom(withCode('canceling statement due to statement timeout', '57014'))).toBeUndefined();
    expect(storeUnavailableFrom(new ValidationError('x.invalid', 'bad'))).toBeUndefined();
    expect(storeUnavailableFrom(new TypeError('x is undefined'))).toBeUndefined();
    expect(storeUnavailableFrom('a string')).toBeUndefined();
  });
});
