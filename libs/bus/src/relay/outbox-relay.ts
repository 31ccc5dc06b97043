import { followLog, type EventStore } from '#event-store';
import type { EventPublisher } from '../bus.port.js';

export const RELAY_CHECKPOINT = 'relay:events';

/**
 * Carries the global log to the bus, in order, from a stored position: publish a batch, then
 * save its last position. A crash between the two publishes that batch again after the restart
 * (a duplicate, which consumers drop by event id), never skips an event: the log's reads are
 * gap-free, and the position only moves past what the bus acknowledged.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private abort = new AbortController();
  private relayed = 0;
  /** The position saved last by this relay; loaded from the store when unknown (start, after a failure). */
  private position: number | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly publisher: EventPublisher,
    private readonly options: { batchSize?: number; idleWaitMs?: number; checkpoint?: string } = {},
  ) {}

  /** Events published since start (duplicates after a crash included). */
  get published(): number {
    return this.relayed;
  }

  start(): void {
    this.position = undefined;
    this.abort = new AbortController();
    this.running = this.follow(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.running = undefined;
  }

  /** Publishes everything the log holds now; resolves at the position reached. */
  async catchUp(signal?: AbortSignal): Promise<number> {
    const checkpoint = this.options.checkpoint ?? RELAY_CHECKPOINT;
    let position = this.position ?? (await this.store.checkpoints.load(checkpoint)) ?? 0;
    this.position = undefined; // until this round saved where it got
    for await (const batch of this.store.readAll({ after: position, batchSize: this.options.batchSize ?? 500 })) {
      if (signal?.aborted) break;
      await this.publisher.publish(batch);
      position = batch[batch.length - 1]!.globalPosition;
      await this.store.checkpoints.save(checkpoint, position);
      this.relayed += batch.length;
    }
    this.position = position;
    return position;
  }

  private follow(signal: AbortSignal): Promise<void> {
    return followLog(this.store, signal, this.options.idleWaitMs ?? 1000, async () => {
      try {
        await this.catchUp(signal);
      } catch (error) {
        // The bus or the store is away: the position did not move, so the next round starts where this one failed.
        process.stderr.write(`relay: ${error instanceof Error ? error.message : String(error)}; retrying\n`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    });
  }
}
