import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { EventEnvelope } from '@meal/contracts';
import { MetricsService } from '@meal/platform';
import { EventPublisher } from '../event-publisher.service';
import { OUTBOX_OPTIONS, ResolvedOutboxOptions } from './outbox.options';

interface ClaimedRow {
  id: string;
  topic: string;
  envelope: EventEnvelope;
}

/** Key of the advisory lock that makes one relay at a time the publisher (exclusive mode). */
const RELAY_LOCK_KEY = 7_638_900_301;
const BACKLOG_REFRESH_MS = 1000;
const CLEANUP_INTERVAL_MS = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes `outbox_events` to Kafka through EventPublisher (the real broker, or the embedded transport when no
 * brokers are configured), in id order, in batches: one transaction claims unpublished rows (FOR UPDATE SKIP LOCKED),
 * publishes them (acks=all), marks them published and commits. A crash between publish and commit republishes the
 * batch: delivery is at-least-once, consumers deduplicate by event id.
 *
 * Polls every `pollIntervalMs` (100 ms by default; `wake()` asks for a drain at once). There is deliberately no
 * NOTIFY trigger: PostgreSQL serialises the commits of transactions that NOTIFY, which capped the scan path (see
 * migration OutboxPollOnly1763900500000); polling also batches the rows of a lunch rush into few drains. When the broker is down the
 * batch is retried with exponential backoff and the events wait in the table. Metrics: `outbox_backlog` (unpublished
 * rows), `outbox_events_published_total{topic}`, `outbox_publish_failures_total`.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OutboxRelay');
  private readonly backlog: Gauge;
  private readonly publishedCounter: Counter<'topic'>;
  private readonly failures: Counter;
  private running = false;
  private looping: Promise<void> | undefined;
  private pending = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private lastBacklogAt = 0;
  private backoffMs: number;
  private wakeSleeper: (() => void) | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    metrics: MetricsService,
    @Inject(OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
  ) {
    this.backlog = metrics.gauge('outbox_backlog', 'Outbox events not yet published');
    this.publishedCounter = metrics.counter('outbox_events_published_total', 'Outbox events published to the event bus, by topic', ['topic']);
    this.failures = metrics.counter('outbox_publish_failures_total', 'Failed outbox publish attempts (retried with backoff)');
    this.backoffMs = options.initialBackoffMs;
  }

  onApplicationBootstrap(): void {
    if (this.options.relayEnabled) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Starts polling. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.pollTimer.unref();
    if (this.options.retentionHours > 0) {
      this.cleanupTimer = setInterval(() => void this.cleanup(), CLEANUP_INTERVAL_MS);
      this.cleanupTimer.unref();
    }
    this.wake();
  }

  /** Stops after the batch in progress. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    this.wakeSleeper?.();
    await this.looping;
  }

  /** Asks for a drain soon (coalesced: at most one loop runs). */
  wake(): void {
    if (!this.running) return;
    this.pending = true;
    if (!this.looping) {
      this.looping = this.loop().finally(() => {
        this.looping = undefined;
        if (this.pending && this.running) this.wake();
      });
    }
  }

  /**
   * Claims, publishes and marks one batch; returns how many rows were published (0 when nothing is waiting or,
   * in exclusive mode, another relay holds the lock). Throws when publishing fails (nothing is marked).
   */
  async drainOnce(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      try {
        if (this.options.exclusive) {
          const [lock] = (await runner.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY])) as { locked: boolean }[];
          if (!lock?.locked) {
            await runner.commitTransaction();
            return 0;
          }
        }
        const rows = (await runner.query(
          `SELECT id, topic, envelope FROM outbox_events WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [this.options.batchSize],
        )) as ClaimedRow[];
        if (rows.length === 0) {
          await runner.commitTransaction();
          return 0;
        }
        // Consecutive rows of one topic go in one call, so the id order is the publish order.
        for (const group of groupConsecutive(rows)) {
          await this.publisher.publish(group.topic, group.envelopes);
        }
        await runner.query('UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        await runner.commitTransaction();
        for (const group of groupConsecutive(rows)) this.publishedCounter.inc({ topic: group.topic }, group.envelopes.length);
        return rows.length;
      } catch (error) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  /** Unpublished rows right now. */
  async backlogSize(): Promise<number> {
    const [row] = (await this.dataSource.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL')) as { n: number }[];
    return row?.n ?? 0;
  }

  private async loop(): Promise<void> {
    while (this.running && this.pending) {
      this.pending = false;
      try {
        const published = await this.drainOnce();
        this.backoffMs = this.options.initialBackoffMs;
        if (published >= this.options.batchSize) this.pending = true;
        await this.refreshBacklog(false);
      } catch (error) {
        this.failures.inc();
        this.logger.warn(`publishing the outbox failed, retrying in ${this.backoffMs} ms: ${error instanceof Error ? error.message : String(error)}`);
        await this.refreshBacklog(true).catch(() => undefined);
        await this.interruptibleSleep(this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
        this.pending = true;
      }
    }
  }

  private interruptibleSleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wakeSleeper === done) self.wakeSleeper = undefined;
        resolve();
      }
      this.wakeSleeper = done;
    });
  }

  private async refreshBacklog(force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastBacklogAt < BACKLOG_REFRESH_MS) return;
    this.lastBacklogAt = now;
    this.backlog.set(await this.backlogSize());
  }

  private async cleanup(): Promise<void> {
    try {
      await this.dataSource.query(
        `DELETE FROM outbox_events WHERE id IN (
           SELECT id FROM outbox_events WHERE published_at IS NOT NULL AND published_at < now() - make_interval(hours => $1) LIMIT 10000)`,
        [this.options.retentionHours],
      );
    } catch (error) {
      this.logger.warn(`outbox cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function groupConsecutive(rows: ClaimedRow[]): { topic: string; envelopes: EventEnvelope[] }[] {
  const groups: { topic: string; envelopes: EventEnvelope[] }[] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last && last.topic === row.topic) last.envelopes.push(row.envelope);
    else groups.push({ topic: row.topic, envelopes: [row.envelope] });
  }
  return groups;
}
