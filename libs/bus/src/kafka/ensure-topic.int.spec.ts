import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaTestBrokers } from '../testing/kafka-test-brokers.js';
import { ensureTopic } from './kafka-event-publisher.js';

describe('creating the topics when several processes start together', () => {
  it('gives every process the topic and its partition count, whoever created it', async () => {
    const topic = `ledgerline.race-${randomUUID().slice(0, 8)}`;
    const processes = Array.from({ length: 6 }, (_, i) => new Kafka({ clientId: `race-${i}`, brokers: kafkaTestBrokers(), logLevel: logLevel.NOTHING }));
    await expect(Promise.all(processes.map((kafka) => ensureTopic(kafka, topic, 3)))).resolves.toEqual([3, 3, 3, 3, 3, 3]);
    // And a later start finds it as it is.
    await expect(ensureTopic(processes[0]!, topic, 12)).resolves.toBe(3);
  });
});
