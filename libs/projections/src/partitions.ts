import { createRequire } from 'node:module';
import type { PartitionMetadata } from 'kafkajs';

type Partitioner = ReturnType<typeof import('kafkajs').Partitioners.DefaultPartitioner>;
let partitioner: Partitioner | undefined;
const metadataByCount = new Map<number, PartitionMetadata[]>();

/**
 * The partition Kafka's producer puts a message key in (murmur2, as kafkajs and the Java client
 * do), so that a process can tell where a key's messages went without asking the broker.
 */
export function partitionOf(key: string, partitions: number): number {
  let metadata = metadataByCount.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    metadataByCount.set(partitions, metadata);
  }
  // kafkajs's own partitioner, loaded on first use: views that follow the log (the CLI, the embedded default) never load kafkajs.
  partitioner ??= (createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs')).Partitioners.DefaultPartitioner();
  return partitioner({ topic: '', partitionMetadata: metadata, message: { key, value: null } });
}

/**
 * The key of an event on the bus that feeds the projections: its tenant. A tenant's events stay
 * in one partition in the order of the log, so a view, whose rows belong to one tenant each,
 * sees the tenant's events in the order a rebuild from the log does, across all its streams.
 */
export function viewKeyOf(tenantId: string): string {
  return tenantId;
}
