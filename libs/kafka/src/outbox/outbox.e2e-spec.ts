import { TestingModule, Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigModule } from '@meal/config';
import { ParsedEvent, Topics } from '@meal/contracts';
import { sampleMealScanned } from '@meal/contracts/event-samples';
import { buildDataSourceOptions } from '@meal/database';
import { MetricsModule, MetricsService } from '@meal/platform';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { EventConsumerRegistry } from '../event-consumer.registry';
import { EventPublisher } from '../event-publisher.service';
import { KafkaModule } from '../kafka.module';
import { KAFKA_ENTITIES } from '../processed-event.entity';
import { OUTBOX_ENTITIES } from './outbox-event.entity';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { OUTBOX_OPTIONS, resolveOutboxOptions } from './outbox.options';
import { OutboxModule } from './outbox.module';

jest.setTimeout(60_000);

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('transactional outbox (real PostgreSQL, embedded transport)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let dataSource: DataSource;
  let writer: OutboxWriter;
  let relay: OutboxRelay;
  const received: ParsedEvent[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ DATABASE_URL: db.url, KAFKA_BROKERS: '', KAFKA_EMBEDDED_BUS: `outbox-${Date.now()}` }),
        MetricsModule,
        TypeOrmModule.forRoot(buildDataSourceOptions(db.url, [...KAFKA_ENTITIES, ...OUTBOX_ENTITIES], 8)),
        KafkaModule.forRoot({ maxRetries: 1, retryBackoffMs: 10 }),
        OutboxModule.forRoot({ pollIntervalMs: 100 }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    dataSource = moduleRef.get<DataSource>(getDataSourceToken());
    writer = moduleRef.get(OutboxWriter);
    relay = moduleRef.get(OutboxRelay);
    await moduleRef.get(EventConsumerRegistry).subscribe({
      groupId: 'outbox.test',
      topics: [Topics.MealEvents],
      fromBeginning: true,
      dedupe: true,
      handler: async (event) => void received.push(event),
    });
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  it('writes only with the committing transaction', async () => {
    const before = await relay.backlogSize();
    await expect(
      dataSource.transaction(async (manager) => {
        await writer.write(manager, [sampleMealScanned()]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM outbox_events');
    expect(n).toBe(0);
    expect(await relay.backlogSize()).toBe(before);
  });

  it('refuses an event that breaks its contract before writing', async () => {
    const bad = sampleMealScanned({ priceFen: -1 });
    await expect(dataSource.transaction((manager) => writer.write(manager, [bad]))).rejects.toThrow();
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM outbox_events');
    expect(n).toBe(0);
  });

  it('the relay publishes committed events in order, once, and marks them published', async () => {
    // One key (one partition): the consumer must see them in commit order.
    const events = Array.from({ length: 30 }, (_, i) => ({ ...sampleMealScanned({ dinerId: 'staff-1', priceFen: i }), aggregateId: 'staff-1' }));
    await dataSource.transaction((manager) => writer.write(manager, events));
    await waitFor('all 30 events', () => events.every((e) => received.some((r) => r.eventId === e.eventId)));
    const mine = received.filter((r) => events.some((e) => e.eventId === r.eventId));
    expect(mine.map((r) => (r.payload as { priceFen: number }).priceFen)).toEqual(events.map((_, i) => i));
    await waitFor('no backlog', async () => (await relay.backlogSize()) === 0);
    const metrics = await moduleRef.get(MetricsService).registry.getSingleMetricAsString('outbox_events_published_total');
    expect(metrics).toContain('topic="meal.events"');
  });

  it('several relays (non-exclusive) publish each row exactly once', async () => {
    await relay.stop();
    const published: string[] = [];
    const counting = { publish: async (topic: string, envelopes: readonly { eventId: string }[]) => void published.push(...envelopes.map((e) => e.eventId)) };
    const options = resolveOutboxOptions({ exclusive: false, batchSize: 7, relayEnabled: false });
    const relays = Array.from({ length: 4 }, () => new OutboxRelay(dataSource, counting as unknown as EventPublisher, moduleRef.get(MetricsService), options));
    const events = Array.from({ length: 100 }, () => sampleMealScanned());
    await dataSource.transaction((manager) => writer.write(manager, events));
    let progress = true;
    while (progress) {
      const counts = await Promise.all(relays.map((r) => r.drainOnce()));
      progress = counts.some((c) => c > 0);
    }
    expect(published.sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(await relays[0].backlogSize()).toBe(0);
  });

  it('a failed publish leaves the rows unpublished for the retry', async () => {
    const failing = { publish: async () => Promise.reject(new Error('broker down')) };
    const options = resolveOutboxOptions({ relayEnabled: false });
    const broken = new OutboxRelay(dataSource, failing as unknown as EventPublisher, moduleRef.get(MetricsService), options);
    await dataSource.transaction((manager) => writer.write(manager, [sampleMealScanned()]));
    await expect(broken.drainOnce()).rejects.toThrow('broker down');
    expect(await broken.backlogSize()).toBe(1);
    expect(moduleRef.get(OUTBOX_OPTIONS)).toMatchObject({ pollIntervalMs: 100 });
  });
});
