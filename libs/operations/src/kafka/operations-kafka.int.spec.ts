import { describe, expect, it } from '@jest/globals';
import { freePort } from '../../../../test/support/processes.js';
import { OperationsKafka } from './operations-kafka.js';

describe('OperationsKafka', () => {
  it('refuses at once without KAFKA_BROKERS (a typed 409)', async () => {
    const kafka = new OperationsKafka(null);
    expect(kafka.configured).toBe(false);
    await expect(kafka.call((admin) => admin.listTopics())).rejects.toMatchObject({ code: 'operations.kafka.not_configured', kind: 'illegal_state' });
    expect(() => kafka.runRetryTopics).toThrow(expect.objectContaining({ code: 'operations.kafka.not_configured' }));
  });

  it('answers a typed, retryable unavailable error within seconds when no broker answers, and tries again at the next call', async () => {
    const kafka = new OperationsKafka({ brokers: [`127.0.0.1:${await freePort()}`], eventsTopic: 'ledgerline.events', runRetryDelaysMs: [1000] });
    for (let attempt = 0; attempt < 2; attempt++) {
      const started = Date.now();
      await expect(kafka.call((admin) => admin.listTopics())).rejects.toMatchObject({ code: 'operations.kafka.unavailable', kind: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(15_000);
    }
    await kafka.onModuleDestroy();
  }, 40_000);
});
