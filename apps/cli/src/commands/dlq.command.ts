import { ValidationError } from '#core';
import { parseBrokers, runRetryTopics, type KafkaSettings, type RunRetryMessage } from '#bus';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';

/** The dead letters' Kafka clients (kafkajs, in '#bus/nest' with the bus's Nest side): loaded when a subcommand runs, not for --help. */
const deadLetters = () => import('#bus/nest');

const RUN_REF = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63})\/(run-[0-9a-f-]{36})$/;

/** `ledgerline dlq list|redrive`: the runs the workers dead-lettered, on the Kafka of KAFKA_BROKERS. */
export function dlqCommand(io: CliIo): Command {
  const dlq = new Command('dlq').description('runs the scale-out workers could not carry forward (KAFKA_BROKERS, LEDGERLINE_KAFKA_TOPIC)');
  dlq
    .command('list')
    .description('dead-lettered runs not redriven since, oldest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { settings, topics } = kafkaOf(io);
      const { listDeadLetters } = await deadLetters();
      const entries = await listDeadLetters(settings, topics);
      if (options.json) io.stdout.write(`${JSON.stringify({ deadLetters: entries })}\n`);
      else io.stdout.write(entries.length === 0 ? 'no dead-lettered runs\n' : `${entries.map(describe).join('\n')}\n`);
    });
  dlq
    .command('redrive')
    .description('put dead-lettered runs back to work: <tenant>/<run-id> …, or --all')
    .argument('[runs...]', 'runs as <tenant>/<run-id>')
    .option('--all', 'every dead-lettered run')
    .option('--json', 'print JSON')
    .action(async (refs: string[], options: { all?: boolean; json?: boolean }) => {
      const { settings, topics } = kafkaOf(io);
      if (Boolean(options.all) === refs.length > 0) throw new ValidationError('cli.dlq.redrive_what', 'name the runs to redrive as <tenant>/<run-id>, or pass --all (not both)');
      const { listDeadLetters, redriveDeadLetters } = await deadLetters();
      const runs = options.all ? await listDeadLetters(settings, topics) : refs.map(parseRunRef);
      await redriveDeadLetters(settings, topics, runs);
      const redriven = runs.map(({ tenantId, runId }) => `${tenantId}/${runId}`);
      io.stdout.write(options.json ? `${JSON.stringify({ redriven })}\n` : `redriven: ${redriven.length === 0 ? '(none)' : redriven.join(', ')}\n`);
    });
  return dlq;
}

function kafkaOf(io: CliIo): { settings: KafkaSettings; topics: ReturnType<typeof runRetryTopics> } {
  const brokers = io.env.KAFKA_BROKERS?.trim();
  if (!brokers) throw new ValidationError('cli.dlq.no_kafka', 'KAFKA_BROKERS is not set: dead letters live in the scale-out Kafka');
  const topic = io.env.LEDGERLINE_KAFKA_TOPIC?.trim() || 'ledgerline.events';
  return { settings: { brokers: parseBrokers(brokers), clientId: 'ledgerline-cli' }, topics: runRetryTopics(topic) };
}

function parseRunRef(ref: string): { tenantId: string; runId: string } {
  const match = RUN_REF.exec(ref);
  if (!match) throw new ValidationError('cli.dlq.bad_run', `not a run: ${ref} (expected <tenant>/run-<uuid>)`);
  return { tenantId: match[1]!, runId: match[2]! };
}

function describe(entry: RunRetryMessage): string {
  return `${entry.at}  ${entry.tenantId}/${entry.runId}  after ${entry.failures} failures: ${entry.error}`;
}
