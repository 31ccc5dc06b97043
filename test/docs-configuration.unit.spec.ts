import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { platformConfigSchema } from '../apps/platform/src/config/platform.config.js';
import { AUTH_ENV } from '../libs/auth/src/auth-env.js';

/** docs/configuration.md is the one list of settings: every variable the code reads is in it. */
describe('docs/configuration.md', () => {
  const doc = readFileSync('docs/configuration.md', 'utf8');
  const undocumented = (names: readonly string[]): string[] => names.filter((name) => !new RegExp(`\`[^\`]*\\b${name}\\b`).test(doc));

  it('names every variable of the configuration schema and of authentication', () => {
    const variables = [...Object.keys(platformConfigSchema.shape), ...Object.values(AUTH_ENV), 'PORT'];
    expect(variables.length).toBeGreaterThan(40);
    expect(undocumented(variables)).toEqual([]);
  });

  it('would notice one missing', () => {
    expect(undocumented(['LEDGERLINE_NOT_A_SETTING'])).toEqual(['LEDGERLINE_NOT_A_SETTING']);
  });
});
