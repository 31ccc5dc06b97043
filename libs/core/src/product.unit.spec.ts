import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { PRODUCT } from './product.js';

describe('PRODUCT', () => {
  it("carries package.json's version (bump both together)", () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(PRODUCT.version).toBe(manifest.version);
  });
});
