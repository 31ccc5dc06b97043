import { describe, expect, it } from '@jest/globals';
import { parseJsonText } from './json-text.js';

describe('parseJsonText', () => {
  it('gives the value of valid JSON', () => {
    expect(parseJsonText(' {"a": [1, -2.5e3, "x\\n\\u00e9", true, null]} ')).toEqual({ ok: true, value: { a: [1, -2500, 'x\né', true, null] } });
  });

  it.each([
    ['', 1, 1, 'expected a value, found the end of the text'],
    ['{"a":}', 1, 6, 'expected a value, found "}"'],
    ['{\n  "a": 1,\n}', 3, 1, 'a comma before } (JSON allows no trailing comma)'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected , or } after a property\'s value, found "\\""'],
    ["{'a': 1}", 1, 2, 'expected a property name in double quotes, found "\'"'],
    ['{"a" 1}', 1, 6, 'expected : after the property name, found "1"'],
    ['{"a": tru}', 1, 7, 'expected a value, found "t"'],
    ['[1, 2,]', 1, 7, 'a comma before ] (JSON allows no trailing comma)'],
    ['[1 2]', 1, 4, 'expected , or ] after an array element, found "2"'],
    ['{"a": "b', 1, 9, 'a string is not closed (a " is missing)'],
    ['{"a": "b\nc"}', 1, 9, 'a line break or control character inside a string (write it as \\n or \\t)'],
    ['{"a": "\\x"}', 1, 8, 'an unknown escape in a string (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)'],
    ['{"a": 01}', 1, 8, 'expected , or } after a property\'s value, found "1"'],
    ['{} x', 1, 4, 'more text after the JSON value: "x"'],
  ])('finds where %j stops being JSON', (text, line, column, reason) => {
    expect(parseJsonText(text)).toEqual({ ok: false, line, column, reason });
  });
});
