/** One line of a process's JSON log (pino): level as a number (30 info, 40 warn, 50 error, 60 fatal). */
export interface JsonLogLine {
  level: unknown;
  msg?: unknown;
  [field: string]: unknown;
}

/** The lines of a process's output that are JSON objects; other lines (a crash's stack on stderr) are left out. */
export function jsonLogLines(output: string): JsonLogLine[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const parsed: unknown = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null ? [parsed as JsonLogLine] : [];
    } catch {
      return [];
    }
  });
}

/** The messages logged, in order. */
export function logMessages(output: string): string[] {
  return jsonLogLines(output).flatMap((line) => (typeof line.msg === 'string' ? [line.msg] : []));
}

/** Lines at error level or above, and lines whose level is not pino's number (another logger's format, such as kafkajs's own `"level":"ERROR"`). */
export function errorLines(output: string): JsonLogLine[] {
  return jsonLogLines(output).filter((line) => typeof line.level !== 'number' || line.level >= 50);
}
