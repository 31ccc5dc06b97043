import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { decodeBase64url, InvalidBase64urlError } from './base64url.js';

/** The same text with the last character's unused low bits set: Node decodes it to the same bytes. */
function withTrailingBits(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(text.at(-1)!);
  return text.slice(0, -1) + alphabet[last | 1]!;
}

describe('decodeBase64url', () => {
  it('gives back the bytes of every canonical text, whatever the length', () => {
    for (let length = 0; length <= 66; length++) {
      const bytes = randomBytes(length);
      expect(decodeBase64url(bytes.toString('base64url'), 'x')).toEqual(bytes);
    }
  });

  it('refuses what Node would decode leniently: set trailing bits, padding, foreign characters, impossible lengths', () => {
    const signature = randomBytes(64).toString('base64url');
    const lenient = withTrailingBits(signature);
    expect(Buffer.from(lenient, 'base64url')).toEqual(Buffer.from(signature, 'base64url')); // why the check exists
    const cases: Array<[string, RegExp]> = [
      [lenient, /unused trailing bits are not zero/],
      [`${signature}==`, /outside A-Z a-z 0-9 - _/],
      [signature.replace(/^./, '+'), /outside/],
      [` ${signature}`, /outside/],
      [`${signature.slice(0, 84)}\n${signature.slice(84)}`, /outside/],
      ['A', /1 characters cannot encode whole bytes/],
    ];
    for (const [text, reason] of cases) {
      expect(() => decodeBase64url(text, 'the signature')).toThrow(InvalidBase64urlError);
      expect(() => decodeBase64url(text, 'the signature')).toThrow(reason);
    }
  });

  it('checks the length when told it', () => {
    expect(() => decodeBase64url(randomBytes(63).toString('base64url'), 'the signature', 64)).toThrow(/the signature .* holds 63 bytes, not 64/);
  });
});
