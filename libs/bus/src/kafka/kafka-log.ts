import { Logger } from '@nestjs/common';
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

export type PlatformLogLevel = 'error' | 'warn' | 'log' | 'debug';

/**
 * The broker's states that kafkajs retries through and that pass by themselves: a group
 * coordinator still loading or not elected yet, a topic just created whose partitions have no
 * leader yet (or whose metadata has not reached every broker), a group rebalancing because a
 * member came or went, another process creating a topic first (kafkajs's line then says only
 * "Topic creation errors"; ensureTopic retries, and a creation that really fails fails the start
 * with its own error). kafkajs logs them at ERROR; at every start and every scale change they
 * would read as failures, so they are info; the wire-level line of each response carrying one
 * (`[Connection] Response …`, a heartbeat a second while a group rebalances) is debug, as the
 * component that acts on it logs its own line, and a state that does not pass ends in a crash
 * or a failed call logged at error.
 */
const TRANSIENT = [
  /coordinator is loading/i,
  /group coordinator is not available/i,
  /not the correct coordinator/i,
  /coordinator is not aware of this member/i,
  /no leader for this topic-partition/i,
  /not the leader for that topic-partition/i,
  /does not host this topic-partition/i,
  /group is rebalancing/i,
  /topic with this name already exists/i,
  /^topic creation errors$/i,
];

/**
 * A consumer that crashed restarts by itself: the crash line before it says why, at the level the
 * cause deserves (info for a transient state), so the restart itself is a warning.
 */
const RESTART = /^Restarting the consumer in/;

/** The platform's level for a kafkajs line: its own, except transient broker states (info, debug on the wire) and consumer restarts (warn). */
export function platformLevelOf(entry: Pick<LogEntry, 'namespace' | 'level' | 'log'>): PlatformLogLevel {
  if (RESTART.test(entry.log.message)) return 'warn';
  const error: unknown = entry.log.error;
  const texts = typeof error === 'string' ? [entry.log.message, error] : [entry.log.message];
  if (entry.level <= logLevel.WARN && TRANSIENT.some((pattern) => texts.some((text) => pattern.test(text)))) return entry.namespace === 'Connection' ? 'debug' : 'log';
  if (entry.level === logLevel.ERROR) return 'error';
  if (entry.level === logLevel.WARN) return 'warn';
  return entry.level === logLevel.INFO ? 'log' : 'debug';
}

/**
 * kafkajs's lines through the platform's logger (pino, see #observability), so they are JSON in
 * the same format as every other line: `context: "kafkajs"`, the message prefixed with the
 * kafkajs component (`[Consumer]`, `[Connection]`), its details under `kafka`.
 */
export const kafkaLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return (entry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...details } = entry.log;
    logger[platformLevelOf(entry)]({ msg: `[${entry.namespace}] ${message}`, kafka: details });
  };
};
