import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SENSITIVE_SCOPES, hasDescription } from '#identity';
import { PLATFORM_SCOPES } from './platform-scopes.js';

/** The consent page shows each scope by its description: a scope without one would show its bare name. */
describe('the platform scopes', () => {
  it('each have a description for the consent page', () => {
    expect(PLATFORM_SCOPES.filter((scope) => !hasDescription(scope))).toEqual([]);
    expect(hasDescription('not:a-scope')).toBe(false);
  });

  it('include the delegation scopes, the admin ones sensitive by default', () => {
    expect(PLATFORM_SCOPES).toEqual(expect.arrayContaining(['grants:manage', 'grants:admin', 'clients:admin']));
    expect(DEFAULT_SENSITIVE_SCOPES).toEqual(expect.arrayContaining(['grants:admin', 'clients:admin']));
    expect(DEFAULT_SENSITIVE_SCOPES).not.toContain('grants:manage');
  });
});
