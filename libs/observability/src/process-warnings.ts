import type { LoggerService } from '@nestjs/common';

/**
 * Node's process warnings (a library's negative timeout, a deprecation) as warn lines of the
 * platform's JSON log, instead of Node's own text on stderr, which log collectors cannot parse.
 * kafkajs 2.2 schedules a negative timeout when its request queue empties (TimeoutNegativeWarning
 * on Node 24): a harmless line, but it must not break the format.
 */
export function logProcessWarnings(logger: LoggerService): void {
  // Node prints warnings through a 'warning' listener of its own: this one replaces it.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ msg: `${warning.name}: ${warning.message}`, warning: { name: warning.name, ...('code' in warning && { code: warning.code }) } }));
}
