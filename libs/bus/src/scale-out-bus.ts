import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { RunScheduler } from '#automation/nest';
import { EVENT_STORE, type EventStore } from '#event-store';
import { reportConsumerLag } from '#observability/nest';
import { partitionOf, VIEW_DB, whileLeading, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { ConsumerLag } from './kafka/consumer-lag.js';
import { KafkaEventConsumer } from './kafka/kafka-event-consumer.js';
import { KafkaEventPublisher } from './kafka/kafka-event-publisher.js';
import { KafkaRunRetries } from './kafka/kafka-run-retries.js';
import { runRetryTopics } from './kafka/run-retry-topics.js';
import type { KafkaSettings } from './kafka/kafka-settings.js';
import { OutboxRelay } from './relay/outbox-relay.js';
import { consumerGroupsOf, EVENTS_TOPIC, eventKey, viewsTopicOf } from './topology.js';

export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

/**
 * A worker's part of the bus: one worker at a time (elected) relays the log to Kafka; every
 * worker is a member of the saga consumer group, carries the runs of the partitions it was
 * assigned, and is woken by their events instead of polling for them. Runs the worker fails on
 * go through the retry topics and, past the last, to the dead letters (`cli dlq`). Every worker
 * is also a member of the projections' consumer group on the views topic (keyed by tenant) and
 * applies the views' share of its partitions (ProjectorRegistry.applyBusBatch).
 */
@Injectable()
export class ScaleOutBus implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScaleOutBus.name);
  private readonly stopping = new AbortController();
  private publisher: KafkaEventPublisher | undefined;
  private consumer: KafkaEventConsumer | undefined;
  private viewsConsumer: KafkaEventConsumer | undefined;
  private relaying: Promise<void> | undefined;
  private retries: KafkaRunRetries | undefined;
  private lag: ConsumerLag | undefined;
  private stopReportingLag: () => void = () => undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly scheduler: RunScheduler,
    private readonly projectors: ProjectorRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const publisher = await KafkaEventPublisher.connect(this.settings);
    this.publisher = publisher;
    let assigned = new Set<number>();
    this.scheduler.restrictTo((tenantId, runId) => assigned.has(partitionOf(eventKey({ tenantId, streamId: runId }), publisher.partitions)));
    const topic = this.settings.eventsTopic ?? EVENTS_TOPIC;
    const groups = consumerGroupsOf(topic, this.settings.runRetryDelaysMs);
    this.consumer = await KafkaEventConsumer.start(this.settings, groups.sagas.groupId, {
      handle: async (events) => {
        for (const event of events) if (event.streamId.startsWith('run-')) this.scheduler.poke(event.tenantId, event.streamId);
      },
      assigned: (partitions) => {
        assigned = new Set(partitions);
        this.logger.log(`carrying the runs of partitions ${partitions.join(', ') || '(none)'}`);
      },
    });
    const viewsTopic = viewsTopicOf(topic);
    await this.projectors.prepareForBus(publisher.viewPartitions);
    this.viewsConsumer = await KafkaEventConsumer.start(this.settings, groups.projections.groupId, { handle: (events, partition, upTo) => this.projectors.applyBusBatch(partition, events, upTo) }, viewsTopic);
    const lag = await ConsumerLag.connect(this.settings);
    this.lag = lag;
    this.stopReportingLag = reportConsumerLag(async () => [
      { group: groups.sagas.groupId, topic, lag: await lag.of(groups.sagas.groupId, topic) },
      { group: groups.projections.groupId, topic: viewsTopic, lag: await lag.of(groups.projections.groupId, viewsTopic) },
    ]);
    this.retries = await KafkaRunRetries.start(this.settings, runRetryTopics(topic, this.settings.runRetryDelaysMs), (tenantId, runId, failures) => this.scheduler.poke(tenantId, runId, { force: true, failures }), groups.retries.groupId);
    this.scheduler.handOffFailuresTo(this.retries);
    this.relaying = whileLeading(this.db, 'relay', this.stopping.signal, async () => {
      const relay = new OutboxRelay(this.store, publisher);
      relay.start();
      this.logger.log('relaying the log to Kafka');
      return () => relay.stop();
    });
  }

  /**
   * Draining: this worker leaves the saga and retry groups, so their partitions (new runs, pokes,
   * due retries) go to the other workers now rather than when it has stopped. The views consumer
   * and the relay stay until the module stops: what the runs in hand still record must reach the views.
   */
  async stopIntake(): Promise<void> {
    await this.consumer?.stop();
    await this.retries?.stopConsuming();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.stopIntake();
    await this.viewsConsumer?.stop();
    await this.retries?.stop();
    await this.relaying;
    await this.publisher?.close();
    this.stopReportingLag();
    await this.lag?.close();
  }
}
