/**
 * The Kafka brokers of the test run. Tests that need Kafka fail, loudly, when KAFKA_BROKERS is
 * missing: `npm test` always provides one (deploy/with-services.mjs starts a broker).
 */
export function kafkaTestBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the suite with `npm test`, which starts Kafka');
  return brokers.split(',');
}
