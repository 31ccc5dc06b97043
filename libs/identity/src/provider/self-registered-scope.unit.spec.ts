import { describe, expect, it } from '@jest/globals';
import { selfRegisteredScope } from './self-registered-scope.js';

const resource = (scope: string): boolean => scope === 'memory:read' || scope === 'memory:write';

describe('selfRegisteredScope', () => {
  it('takes the resource scopes out and keeps the OpenID ones for the library to check', () => {
    expect(selfRegisteredScope('memory:read memory:write offline_access', resource)).toBe('offline_access');
  });

  it('leaves no scope when only resource scopes were named', () => {
    expect(selfRegisteredScope('memory:read  memory:write', resource)).toBeUndefined();
  });

  it('keeps values it does not know, so the library still refuses them', () => {
    expect(selfRegisteredScope('memory:read nonsense', resource)).toBe('nonsense');
  });
});
