import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLOSED_RUN_STREAMS } from '#automation';
import { PostgresEventStore, SqliteEventStore, type EventStore, type RecordedEvent } from '#event-store';
import { createTestDatabase } from '../../libs/event-store/src/postgres/postgres-test-database.js';
import { collect } from '../../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { connect } from './mcp-session.js';
import { startPlatform, type PlatformProcess } from './platform-process.js';
import { freePort } from './processes.js';

/**
 * How long a crash test may take: the starts through at most `maxKills` restarts (each a few
 * seconds on a loaded machine), then up to 90 s for the runs to end. Above both, so that a slow
 * run fails on the assertions that say what is missing rather than on jest's timeout.
 */
export const CRASH_TEST_TIMEOUT_MS = 180_000;

/**
 * One embedded platform on a store of its own (a data directory, and a PostgreSQL database for
 * `postgres`), restarted on the same directory, port and database after each kill, beside a
 * fixture downstream: what the crash suites kill at random moments.
 */
export class CrashRig {
  kills = 0;
  /** Starts accepted so far by `startThroughKills`. */
  started = 0;
  private store: EventStore | undefined;

  private constructor(
    readonly fixture: FixtureServer,
    readonly dataDir: string,
    readonly database: { url: string; drop: () => Promise<void> } | undefined,
    readonly env: Record<string, string>,
    public platform: PlatformProcess,
  ) {}

  static async start(kind: 'sqlite' | 'postgres', prefix: string): Promise<CrashRig> {
    const fixture = await startFixtureServer();
    const dataDir = mkdtempSync(join(tmpdir(), prefix));
    const database = kind === 'postgres' ? await createTestDatabase() : undefined;
    const env = { LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PORT: String(await freePort()), ...(database && { DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '4' }) };
    return new CrashRig(fixture, dataDir, database, env, await startPlatform(env));
  }

  /** SIGKILL, then the platform again on the same store. */
  async killAndRestart(downMs = 0): Promise<void> {
    await this.platform.kill();
    this.kills++;
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    this.platform = await startPlatform(this.env);
  }

  /**
   * Kills 200 ms to `200 + spreadMs` after each platform is up and has accepted a start (while
   * starts are under way), until `done()` holds and at least `minKills` were made, and never more
   * than `maxKills`. Waiting for a start makes progress certain however slow the machine is: timed
   * from readiness alone, a loaded machine spends the whole window reconnecting, and the kills
   * outpace the starts.
   */
  async killAtRandom(done: () => boolean, minKills: number, spreadMs: number, maxKills = 2 * minKills): Promise<void> {
    while ((!done() || this.kills < minKills) && this.kills < maxKills) {
      const startedBefore = this.started;
      while (this.started === startedBefore && !done()) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(Math.random() * spreadMs)));
      await this.killAndRestart();
    }
  }

  /**
   * Starts `count` runs of `tool` one after the other, each with its own idempotency key, so a
   * start cut off by a kill is simply sent again to whichever platform is up.
   */
  async startThroughKills(token: string, tool: string, count: number, argumentsOf: (i: number) => Record<string, unknown>): Promise<number> {
    let started = 0;
    for (let i = 0; i < count; i++) {
      for (;;) {
        try {
          const client = await connect(this.platform, token);
          const result = (await client.callTool({ name: tool, arguments: argumentsOf(i), _meta: { 'io.ledgerline/idempotency-key': `start-${i}` } })) as CallToolResult;
          await client.close().catch(() => undefined);
          if (!result.isError) break;
        } catch {
          // the platform is down: try again once it is back
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      started++;
      this.started++;
    }
    return started;
  }

  /** The store the platform writes, opened from here (once). */
  async openStore(): Promise<EventStore> {
    this.store ??= this.database ? await PostgresEventStore.connect({ connectionString: this.database.url, poolSize: 2 }) : SqliteEventStore.open({ path: join(this.dataDir, 'events.db') });
    return this.store;
  }

  /**
   * The tenant's streams, each with its events, once `runs` run streams are there and every one
   * has ended (or at the deadline, as they are then, for the assertions to say what is missing).
   */
  async streamsOnceRunsEnd(tenantId: string, runs: number, timeoutMs: number): Promise<Map<string, RecordedEvent[]>> {
    const store = await this.openStore();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const streams = new Map<string, RecordedEvent[]>();
      for (const event of await collect(store.readAll({ tenantId }))) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
      const runStreams = [...runStreamsOf(streams)];
      const open = runStreams.filter(([, events]) => !CLOSED_RUN_STREAMS.finalTypes.has(events.at(-1)!.type));
      if ((runStreams.length === runs && open.length === 0) || Date.now() > deadline) return streams;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async stop(): Promise<void> {
    await this.platform.stop();
    await this.store?.close();
    await this.database?.drop();
    await this.fixture.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Only the run streams of `streams`, in their order. */
export function runStreamsOf(streams: Map<string, RecordedEvent[]>): Map<string, RecordedEvent[]> {
  return new Map([...streams].filter(([streamId]) => streamId.startsWith(CLOSED_RUN_STREAMS.prefix)));
}
