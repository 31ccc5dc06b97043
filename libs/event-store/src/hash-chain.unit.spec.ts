import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import type { JsonValue } from '#core';
import { canonicalEnvelope, canonicalJson, chainHash, GENESIS_HASH, type ChainedEnvelope } from './hash-chain.js';

/** A deterministic pseudo-random JSON value generator, so failures reproduce. */
function randomJson(seed: number, depth = 0): JsonValue {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const strings = ['', 'a', 'é', '€', '😀', '\u0000', '\n\t"\\', 'ǅ', '\u2028', 'Z', 'aa', '10', '1', 'b'];
  const numbers = [0, -0, 1, -1, 1.5, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_SAFE_INTEGER, 0.1 + 0.2, -1e300];
  const build = (d: number): JsonValue => {
    const kind = Math.floor(next() * (d > 3 ? 4 : 6));
    switch (kind) {
      case 0: return strings[Math.floor(next() * strings.length)]!;
      case 1: return numbers[Math.floor(next() * numbers.length)]!;
      case 2: return next() < 0.5;
      case 3: return null;
      case 4: return Array.from({ length: Math.floor(next() * 4) }, () => build(d + 1));
      default: {
        const object: Record<string, JsonValue> = {};
        for (let i = Math.floor(next() * 5); i > 0; i--) object[strings[Math.floor(next() * strings.length)]! + String(Math.floor(next() * 3))] = build(d + 1);
        return object;
      }
    }
  };
  return build(depth);
}

describe('canonical JSON (RFC 8785)', () => {
  it('matches the reference implementation on the RFC examples and on random values', () => {
    const rfcSample = { numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001], string: '€$\u000f\nA\'B"\\\\"/', literals: [null, true, false] };
    expect(canonicalJson(rfcSample)).toBe(canonicalize(rfcSample));
    expect(canonicalJson({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ud83d\ude00': 'Emoji', '1': 'One', '\u0080': 'Control', 'ö': 'Latin Small Letter O With Diaeresis' }))
      .toBe('{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji"}');
    for (let seed = 1; seed <= 2000; seed++) {
      const value = randomJson(seed);
      expect(canonicalJson(value)).toBe(canonicalize(value));
      // Parsed back from its canonical text, as stored events are: keys in order, except integer-like ones.
      const parsed = JSON.parse(canonicalize(value)!) as JsonValue;
      expect(canonicalJson(parsed)).toBe(canonicalize(value));
    }
  });

  it.each<[string, string]>([
    ['keys in order all the way down (JSON.stringify writes it)', '{"a":1,"b":{"c":[1,{"d":"é\\u2028"}],"e":null}}'],
    ['keys out of order, deep down only', '{"a":{"z":0,"y":[{"q":1,"p":2}]},"b":1}'],
    ['keys out of order at the top only', '{"b":1,"a":{"c":[{"d":2,"e":3}]}}'],
    ['integer-like keys (Object.keys puts them first, in numeric order)', '{"10":1,"2":2,"a":3}'],
    ['integer-like keys already in code-unit order', '{"1":1,"2":2,"a":3}'],
    ['keys by UTF-16 code units', '{"é":1,"z":2,"\\ud83d\\ude00":3,"Z":4}'],
    ['numbers', '[1e21,1.5,-0,0.000001,1e-7,123456789012345680000]'],
    ['scalars', '"text"'],
  ])('writes the canonical text of a parsed value: %s', (_name, json) => {
    const value = JSON.parse(json) as JsonValue;
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('writes the envelope exactly as JCS would', () => {
    const envelope: ChainedEnvelope = {
      tenantId: 'acme', tenantPosition: 7, streamId: 'run-1', streamVersion: 3, eventId: '0193f0e2-7c1a-7b4e-9c6d-1a2b3c4d5e6f',
      type: 'StepSucceeded', schemaVersion: 2, data: { z: 1, a: [true, null, 'x'] }, metadata: { userId: 'u', scopes: ['b', 'a'] },
      recordedAt: '2026-11-25T21:00:00.000Z',
    };
    expect(canonicalEnvelope(envelope)).toBe(canonicalize(envelope));
    expect(chainHash(GENESIS_HASH, envelope)).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, envelope)).not.toBe(chainHash(GENESIS_HASH, { ...envelope, tenantPosition: 8 }));
  });
});
