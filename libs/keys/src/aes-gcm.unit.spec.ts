import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeBase64, isCanonicalBase64 } from './aes-gcm.js';

/** What the check stands for: the text is exactly what Node writes for the bytes Node reads from it. */
function roundTrips(text: string): boolean {
  return Buffer.from(text, 'base64').toString('base64') === text;
}

const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n';

describe('canonical base64', () => {
  it('accepts what Node writes, for every length', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      const text = Buffer.from(bytes).toString('base64');
      expect(isCanonicalBase64(text)).toBe(true);
      expect(decodeBase64(text)).toEqual(Buffer.from(bytes));
    }));
  });

  it('agrees with the decode-and-encode-again round trip on any text near base64', () => {
    const anyText = fc.string({ unit: fc.constantFrom(...BASE64_CHARS), maxLength: 24 });
    // Node's own output with one character changed: trailing bits, padding and alphabet near misses.
    const oneOff = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.nat(), fc.constantFrom(...BASE64_CHARS)).map(([bytes, at, char]) => {
      const text = Buffer.from(bytes).toString('base64');
      const index = at % text.length;
      return text.slice(0, index) + char + text.slice(index + 1);
    });
    const nearBase64 = fc.oneof(anyText, oneOff);
    fc.assert(fc.property(nearBase64, (text) => {
      expect(isCanonicalBase64(text)).toBe(roundTrips(text));
      expect(decodeBase64(text) !== undefined).toBe(roundTrips(text));
    }), { numRuns: 20_000 });
  });

  it('refuses the lenient spellings Node would still decode, and what is not text', () => {
    const canonical = Buffer.from([1, 2, 3, 4]).toString('base64'); // 'AQIDBA=='
    for (const lenient of ['AQIDBB==', 'AQIDBA', 'AQIDBA=', 'AQID BA==', 'AQIDBA==\n', '_-8=', 'AQIDBA===']) {
      expect(Buffer.from(lenient, 'base64').length).toBeGreaterThan(0); // Node reads them all
      expect(isCanonicalBase64(lenient)).toBe(false);
      expect(decodeBase64(lenient)).toBeUndefined();
    }
    expect(isCanonicalBase64(canonical)).toBe(true);
    for (const notText of [undefined, null, 42, { iv: canonical }, [canonical]]) expect(decodeBase64(notText)).toBeUndefined();
  });
});
