import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, Notification } from 'pg';
import { Counter } from 'prom-client';
import { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { AppConfig } from '@meal/config';
import { MetricsService } from '@meal/platform';
import { MealActivity, MealActivityBus } from './meal-activity.bus';

/** The PostgreSQL channel of the terminal feed between the processes and hosts of the canteen service. */
export const MEAL_ACTIVITY_CHANNEL = 'meal_activity';
/** Activity is sent in batches at most this often: one NOTIFY per batch, not one per scan. */
const FLUSH_INTERVAL_MS = 20;
/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_500;
const RECONNECT_DELAY_MS = 1_000;

interface FanoutMessage {
  v: 1;
  /** The sending process: it ignores its own messages, which it has shown already. */
  origin: string;
  activities: MealActivity[];
}

const OPTIONAL_STRINGS = ['message', 'mealId', 'dinerName', 'unitName', 'slot', 'slotLabel', 'mealDate'] as const;

/** A received activity, checked field by field: the channel is open to any session of the database. */
function asActivity(value: unknown): MealActivity | null {
  if (typeof value !== 'object' || value === null) return null;
  const a = value as Record<string, unknown>;
  if (a.kind !== 'verification' && a.kind !== 'scan') return null;
  if (typeof a.canteenId !== 'string' || typeof a.result !== 'string' || typeof a.at !== 'string') return null;
  if (OPTIONAL_STRINGS.some((key) => a[key] !== undefined && typeof a[key] !== 'string')) return null;
  if (a.priceFen !== undefined && !Number.isSafeInteger(a.priceFen)) return null;
  if (a.payer !== undefined && a.payer !== 'self' && a.payer !== 'unit') return null;
  if (a.offline !== undefined && typeof a.offline !== 'boolean') return null;
  return a as unknown as MealActivity;
}

/**
 * Carries the terminal feed across the processes (CANTEEN_WORKERS) and hosts of the canteen service through
 * PostgreSQL LISTEN/NOTIFY, so a terminal's live page shows every scan and verification of its canteen whichever
 * process handled it. Sending is batched (one NOTIFY per 20 ms at most, outside the scan's transaction); one
 * dedicated connection listens and reconnects when it drops. The feed is a live display: activity sent while a
 * listener is reconnecting is not replayed (the page's counts per slot are read from the meals table).
 */
@Injectable()
export class MealActivityFanout implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MealActivityFanout.name);
  private readonly origin = randomUUID();
  private readonly messages: Counter<'direction'>;
  private pending: MealActivity[] = [];
  private flushTimer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private subscription?: Subscription;
  private listener?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly bus: MealActivityBus,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: MetricsService,
  ) {
    this.messages = metrics.counter('meal_activity_fanout_messages_total', 'Terminal-feed NOTIFY messages between processes: sent, received, ignored (malformed)', ['direction']);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = this.bus.handledHere$().subscribe((activity) => this.enqueue(activity));
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.flushTimer);
    this.flush();
    await this.sending;
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.url, application_name: 'meal-activity-listener' });
    client.on('notification', (notification) => this.receive(notification));
    client.on('error', (error) => this.reconnectLater(client, error));
    client.on('end', () => this.reconnectLater(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${MEAL_ACTIVITY_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.reconnectLater(client, error);
    }
  }

  private reconnectLater(client: Client, error?: unknown): void {
    if (this.stopped || this.reconnectTimer || (this.listener !== undefined && this.listener !== client)) return;
    this.listener = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.logger.warn(`terminal feed listener lost (${error instanceof Error ? error.message : 'connection ended'}); reconnecting in ${RECONNECT_DELAY_MS} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped) void this.listen();
    }, RECONNECT_DELAY_MS);
  }

  private receive(notification: Notification): void {
    if (notification.channel !== MEAL_ACTIVITY_CHANNEL) return;
    let message: Partial<FanoutMessage>;
    try {
      message = JSON.parse(notification.payload ?? '') as Partial<FanoutMessage>;
    } catch {
      this.ignore('not JSON');
      return;
    }
    if (message?.v !== 1 || typeof message.origin !== 'string' || !Array.isArray(message.activities)) {
      this.ignore('not a v1 terminal-feed message');
      return;
    }
    if (message.origin === this.origin) return;
    this.messages.inc({ direction: 'received' });
    for (const item of message.activities) {
      const activity = asActivity(item);
      if (activity) this.bus.deliver(activity);
      else this.ignore('a malformed activity');
    }
  }

  private ignore(reason: string): void {
    this.messages.inc({ direction: 'ignored' });
    this.logger.warn(`ignored a message on ${MEAL_ACTIVITY_CHANNEL}: ${reason}`);
  }

  private enqueue(activity: MealActivity): void {
    this.pending.push(activity);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Sends what is pending as NOTIFY payloads under PostgreSQL's size limit, in order, one batch after another. */
  private flush(): void {
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const payloads = this.payloadsOf(batch);
    this.sending = this.sending.then(async () => {
      for (const payload of payloads) {
        try {
          await this.dataSource.query('SELECT pg_notify($1, $2)', [MEAL_ACTIVITY_CHANNEL, payload]);
          this.messages.inc({ direction: 'sent' });
        } catch (error) {
          this.logger.warn(`terminal feed not sent to the other processes: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
  }

  /** Each activity is encoded once; a payload is `{"v":1,"origin":…,"activities":[…]}` of at most MAX_PAYLOAD_BYTES. */
  private payloadsOf(batch: MealActivity[]): string[] {
    const head = JSON.stringify({ v: 1, origin: this.origin, activities: [] } satisfies FanoutMessage).slice(0, -2);
    const frame = head.length + 2; // head + ']}'
    const payloads: string[] = [];
    let parts: string[] = [];
    let bytes = frame;
    for (const activity of batch) {
      const json = JSON.stringify(activity);
      const size = Buffer.byteLength(json);
      if (frame + size > MAX_PAYLOAD_BYTES) {
        this.logger.warn(`a terminal-feed activity of canteen ${activity.canteenId} is too large to send to the other processes`);
        continue;
      }
      if (bytes + size + 1 > MAX_PAYLOAD_BYTES) {
        payloads.push(`${head}${parts.join(',')}]}`);
        parts = [];
        bytes = frame;
      }
      bytes += size + (parts.length > 0 ? 1 : 0);
      parts.push(json);
    }
    if (parts.length > 0) payloads.push(`${head}${parts.join(',')}]}`);
    return payloads;
  }
}
