/** JSON typed into a form: the value, or where and why the text stops being JSON (1-based line and column). */
export type JsonText = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string };

export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // V8's messages name a position only for some mistakes; the scanner finds it for all of them.
    const { offset, reason } = firstProblem(text);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { ok: false, line, column: offset - (before.lastIndexOf('\n') + 1) + 1, reason };
  }
}

interface Problem {
  offset: number;
  reason: string;
}

class Stop extends Error {
  constructor(readonly problem: Problem) {
    super(problem.reason);
  }
}

/** A scanner of the JSON grammar (RFC 8259) that reports only its first mistake. */
function firstProblem(text: string): Problem {
  let at = 0;
  const fail = (reason: string, offset = at): never => {
    throw new Stop({ offset, reason });
  };
  const found = (): string => (at >= text.length ? 'the end of the text' : `${JSON.stringify(text[at])}`);
  const space = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at += 1;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, at)) at += word.length;
    else fail(`expected a value, found ${found()}`);
  };
  const string = (): void => {
    at += 1;
    for (;;) {
      if (at >= text.length) fail('a string is not closed (a " is missing)');
      const char = text[at]!;
      if (char === '"') return void (at += 1);
      if (char < ' ') fail('a line break or control character inside a string (write it as \\n or \\t)');
      if (char === '\\') {
        const escape = text[at + 1];
        if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) at += 6;
        else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) at += 2;
        else fail('an unknown escape in a string (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      } else at += 1;
    }
  };
  const number = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail(`expected a number, found ${found()}`);
    at += match![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 2000) fail('nested too deeply');
    space();
    const char = text[at];
    if (char === '{') return members(depth);
    if (char === '[') return elements(depth);
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return number();
    fail(`expected a value, found ${found()}`);
  };
  const members = (depth: number): void => {
    at += 1;
    space();
    if (text[at] === '}') return void (at += 1);
    for (;;) {
      space();
      if (text[at] !== '"') fail(`expected a property name in double quotes, found ${found()}`);
      string();
      space();
      if (text[at] !== ':') fail(`expected : after the property name, found ${found()}`);
      at += 1;
      value(depth + 1);
      space();
      if (text[at] === '}') return void (at += 1);
      if (text[at] !== ',') fail(`expected , or } after a property's value, found ${found()}`);
      at += 1;
      space();
      if (text[at] === '}') fail('a comma before } (JSON allows no trailing comma)');
    }
  };
  const elements = (depth: number): void => {
    at += 1;
    space();
    if (text[at] === ']') return void (at += 1);
    for (;;) {
      value(depth + 1);
      space();
      if (text[at] === ']') return void (at += 1);
      if (text[at] !== ',') fail(`expected , or ] after an array element, found ${found()}`);
      at += 1;
      space();
      if (text[at] === ']') fail('a comma before ] (JSON allows no trailing comma)');
    }
  };
  try {
    value(0);
    space();
    if (at < text.length) fail(`more text after the JSON value: ${found()}`);
    return { offset: 0, reason: 'not JSON' };
  } catch (error) {
    if (error instanceof Stop) return error.problem;
    throw error;
  }
}
