import { describe, expect, it } from '@jest/globals';
import { logLevel } from 'kafkajs';
import { platformLevelOf } from './kafka-log.js';

const line = (level: logLevel, message: string, error?: string) => ({ namespace: message.startsWith('Response ') ? 'Connection' : 'Consumer', level, log: { timestamp: '2026-12-06T00:00:00.000Z', message, ...(error === undefined ? {} : { error }) } });

describe('the level of a kafkajs line in the platform log', () => {
  it('keeps kafkajs levels for what is not a transient broker state', () => {
    expect(platformLevelOf(line(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: Connection timeout'))).toBe('error');
    expect(platformLevelOf(line(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError: Invalid topic'))).toBe('error');
    expect(platformLevelOf(line(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', 'The request included a message larger than the max message size the server will accept'))).toBe('error');
    expect(platformLevelOf(line(logLevel.WARN, 'Response without match'))).toBe('warn');
    expect(platformLevelOf(line(logLevel.INFO, 'Consumer has joined the group'))).toBe('log');
    expect(platformLevelOf(line(logLevel.DEBUG, 'Request Metadata(key: 3, version: 6)'))).toBe('debug');
  });

  it('logs the broker states of a start, a new topic and a rebalance at info, and each response carrying one at debug', () => {
    expect(platformLevelOf(line(logLevel.ERROR, 'Response FindCoordinator(key: 10, version: 2)', "The coordinator is loading and hence can't process requests for this group"))).toBe('debug');
    expect(platformLevelOf(line(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available'))).toBe('debug');
    expect(platformLevelOf(line(logLevel.ERROR, 'Crash: KafkaJSProtocolError: The group coordinator is not available'))).toBe('log');
    expect(platformLevelOf(line(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', 'There is no leader for this topic-partition as we are in the middle of a leadership election'))).toBe('debug');
    expect(platformLevelOf(line(logLevel.ERROR, 'Failed to send messages: This server does not host this topic-partition'))).toBe('log');
    expect(platformLevelOf(line(logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', 'The group is rebalancing, so a rejoin is needed'))).toBe('debug');
    expect(platformLevelOf(line(logLevel.WARN, 'The group is rebalancing, re-joining', 'The group is rebalancing, so a rejoin is needed'))).toBe('log');
    expect(platformLevelOf(line(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', 'Topic with this name already exists'))).toBe('debug');
    expect(platformLevelOf(line(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', 'Topic creation errors'))).toBe('debug');
  });

  it('makes a consumer restart a warning: the crash line before it has the level of its cause', () => {
    expect(platformLevelOf(line(logLevel.ERROR, 'Restarting the consumer in 300ms'))).toBe('warn');
  });
});
