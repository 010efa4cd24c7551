import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Consumer, Kafka, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ConfigModule } from '@meal/config';
import { ParsedEvent, Topics } from '@meal/contracts';
import {
  sampleAllowanceClaim,
  sampleMealScanned,
  sampleReceptionRecord,
  sampleRiskAlertRaised,
  sampleSettlementStatementApproved,
} from '@meal/contracts/event-samples';
import { buildDataSourceOptions } from '@meal/database';
import { CorrelationContext, MetricsModule, MetricsService } from '@meal/platform';
import { createTestDatabase, testKafkaClientConfig, testKafkaConfig, TestDatabase } from '@meal/testing';
import {
  EmbeddedTransport,
  EventConsumerRegistry,
  EventMeta,
  EventPublisher,
  EventTransport,
  KAFKA_ENTITIES,
  KafkaHealthIndicator,
  KafkaModule,
  ProcessedEventEntity,
} from '@meal/kafka';

jest.setTimeout(60_000);

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  return value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

async function buildModule(overrides: Record<string, string>, dbUrl: string): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ DATABASE_URL: dbUrl, ...overrides }),
      MetricsModule,
      TypeOrmModule.forRoot(buildDataSourceOptions(dbUrl, KAFKA_ENTITIES, 5)),
      KafkaModule.forRoot({ maxRetries: 1, retryBackoffMs: 20, lagIntervalMs: 500 }),
    ],
  }).compile();
  moduleRef.useLogger(['error', 'warn', 'log']);
  await moduleRef.init();
  return moduleRef;
}

describe('Kafka through the real broker', () => {
  const prefix = `t-${randomBytes(4).toString('hex')}.`;
  const raw = new Kafka(testKafkaClientConfig('e2e-raw'));
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let publisher: EventPublisher;
  let consumers: EventConsumerRegistry;
  let rawProducer: Producer;
  const rawConsumers: Consumer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('kafka');
    moduleRef = await buildModule(testKafkaConfig(prefix), db.url);
    publisher = moduleRef.get(EventPublisher);
    consumers = moduleRef.get(EventConsumerRegistry);
    rawProducer = raw.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await rawProducer.connect();
  });

  afterAll(async () => {
    await Promise.allSettled(rawConsumers.map((c) => c.disconnect()));
    await rawProducer?.disconnect();
    await moduleRef?.close();
    const admin = raw.admin();
    try {
      await admin.connect();
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
    } catch (error) {
      new Logger('e2e').warn(`could not delete test topics: ${String(error)}`);
    } finally {
      await admin.disconnect();
    }
    await db?.drop();
  });

  it('creates every topic and its DLT under the prefix, with the partition counts', async () => {
    const admin = raw.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [`${prefix}meal.events`, `${prefix}meal.events.dlt`, `${prefix}risk.alerts`] });
      expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
        [`${prefix}meal.events`, 6],
        [`${prefix}meal.events.dlt`, 1],
        [`${prefix}risk.alerts`, 3],
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it('round-trips an event with its headers and correlation id', async () => {
    const received: { event: ParsedEvent; meta: EventMeta; correlation: string | undefined }[] = [];
    const handle = await consumers.subscribe({
      groupId: 'e2e.round-trip',
      topics: [Topics.MealEvents],
      fromBeginning: true,
      handler: async (event, meta) => void received.push({ event, meta, correlation: CorrelationContext.current() }),
    });
    const event = sampleMealScanned({ priceFen: 2000, slot: 'breakfast' });
    await CorrelationContext.run('corr-e2e-round-trip', () => publisher.publish(Topics.MealEvents, [event]));
    await waitFor('the event', () => received.length === 1);
    const [{ event: got, meta, correlation }] = received;
    expect(got.eventId).toBe(event.eventId);
    expect(got.type === 'meal.scanned' && got.payload.priceFen).toBe(2000);
    expect(correlation).toBe('corr-e2e-round-trip');
    expect(got.correlationId).toBe('corr-e2e-round-trip');
    expect(meta.topic).toBe(Topics.MealEvents);
    expect(meta.headers).toMatchObject({
      'event-type': 'meal.scanned',
      'event-version': '1',
      'event-id': event.eventId,
      'x-correlation-id': 'corr-e2e-round-trip',
    });
    const metrics = await moduleRef.get(MetricsService).registry.getMetricsAsJSON();
    const published = metrics.find((m) => m.name === 'kafka_events_published_total');
    expect(published?.values).toEqual(expect.arrayContaining([expect.objectContaining({ labels: { topic: 'meal.events' }, value: 1 })]));
    await waitFor('the lag gauge', async () => {
      const lag = (await moduleRef.get(MetricsService).registry.getSingleMetric('kafka_consumer_lag')?.get())?.values ?? [];
      return lag.some((v) => v.labels.group === 'e2e.round-trip' && v.labels.partition === String(meta.partition) && v.value === 0);
    });
    await handle.stop();
  });

  it('dead-letters a malformed and an unknown-version message and still consumes the next good one on the partition', async () => {
    const topic = `${prefix}${Topics.ReceptionRecords}`;
    const good = sampleReceptionRecord();
    const key = good.aggregateId;
    const unknownVersion = { ...sampleReceptionRecord(), version: 99 };
    await rawProducer.send({
      topic,
      messages: [
        { key, value: '{"eventId": "broken', headers: { 'x-correlation-id': 'corr-bad-1' } },
        { key, value: JSON.stringify(unknownVersion) },
        { key, value: JSON.stringify(good) },
      ],
    });

    const deadLetters: KafkaMessage[] = [];
    const dltReader = raw.consumer({ groupId: `${prefix}e2e.dlt-reader`, maxWaitTimeInMs: 500 });
    rawConsumers.push(dltReader);
    await dltReader.connect();
    await dltReader.subscribe({ topics: [`${topic}.dlt`], fromBeginning: true });
    await dltReader.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });

    const handled: string[] = [];
    const handle = await consumers.subscribe({
      groupId: 'e2e.dead-letters',
      topics: [Topics.ReceptionRecords],
      fromBeginning: true,
      handler: async (event) => void handled.push(event.eventId),
    });
    await waitFor('the good event', () => handled.length === 1);
    expect(handled).toEqual([good.eventId]);
    await waitFor('two dead letters', () => deadLetters.length === 2);

    const [malformed, unsupported] = deadLetters;
    expect(header(malformed, 'dlt-reason')).toBe('MALFORMED_JSON');
    expect(header(unsupported, 'dlt-reason')).toBe('UNSUPPORTED_VERSION');
    expect(header(unsupported, 'dlt-error')).toContain('v99');
    expect(malformed.value?.toString()).toBe('{"eventId": "broken');
    expect(malformed.key?.toString()).toBe(key);
    expect(header(malformed, 'x-correlation-id')).toBe('corr-bad-1');
    for (const letter of deadLetters) {
      expect(header(letter, 'dlt-original-topic')).toBe(Topics.ReceptionRecords);
      expect(header(letter, 'dlt-consumer-group')).toBe('e2e.dead-letters');
    }
    expect(header(malformed, 'dlt-original-partition')).toBe(header(unsupported, 'dlt-original-partition'));
    expect(Number(header(unsupported, 'dlt-original-offset'))).toBe(Number(header(malformed, 'dlt-original-offset')) + 1);

    // All three offsets are committed: the partition is not blocked.
    const partition = Number(header(malformed, 'dlt-original-partition'));
    const admin = raw.admin();
    await admin.connect();
    try {
      await waitFor('the committed offset', async () => {
        const [offsets] = await admin.fetchOffsets({ groupId: `${prefix}e2e.dead-letters`, topics: [topic] });
        return offsets.partitions.find((p) => p.partition === partition)?.offset === '3';
      });
    } finally {
      await admin.disconnect();
    }
    await handle.stop();
  });

  it('handles a redelivered event once with the PostgreSQL deduplicator, in the same transaction', async () => {
    const claim = sampleAllowanceClaim();
    await publisher.publish(Topics.AllowanceClaims, [claim]);
    await publisher.publish(Topics.AllowanceClaims, [claim]);
    const other = sampleAllowanceClaim({ dinerId: 'staff-330803-0002' });
    await publisher.publish(Topics.AllowanceClaims, [other]);

    const handled: string[] = [];
    const handle = await consumers.subscribe({
      groupId: 'e2e.dedupe',
      topics: [Topics.AllowanceClaims],
      fromBeginning: true,
      dedupe: true,
      handler: async (event, meta) => {
        if (!meta.manager) throw new Error('no transaction');
        const [{ inside }] = (await meta.manager.query(
          'SELECT count(*)::int AS inside FROM processed_events WHERE consumer_group = $1 AND event_id = $2',
          ['e2e.dedupe', event.eventId],
        )) as { inside: number }[];
        if (inside !== 1) throw new Error('the processed_events row is not in this transaction');
        handled.push(event.eventId);
      },
    });
    const metrics = moduleRef.get(MetricsService).registry;
    await waitFor('the duplicate to be skipped', async () => {
      const duplicates = (await metrics.getSingleMetric('kafka_events_duplicate_total')?.get())?.values ?? [];
      return duplicates.some((v) => v.labels.group === 'e2e.dedupe' && v.value === 1) && handled.length === 2;
    });
    expect(handled.sort()).toEqual([claim.eventId, other.eventId].sort());
    const rows = (await moduleRef.get<DataSource>(getDataSourceToken()).query(
      'SELECT event_id FROM processed_events WHERE consumer_group = $1 ORDER BY event_id',
      ['e2e.dedupe'],
    )) as { event_id: string }[];
    expect(rows.map((r) => r.event_id)).toEqual([claim.eventId, other.eventId].sort());
    const repository = moduleRef.get<DataSource>(getDataSourceToken()).getRepository(ProcessedEventEntity);
    expect(await repository.countBy({ consumerGroup: 'e2e.dedupe' })).toBe(2);
    await handle.stop();
  });

  it('consumes whole batches, deduplicated in one transaction per batch', async () => {
    const statements = Array.from({ length: 200 }, (_, i) =>
      sampleSettlementStatementApproved({ statementId: `statement-${i}`, partyId: `unit-${i % 7}` }),
    );
    await publisher.publish(Topics.SettlementEvents, [...statements, ...statements.slice(0, 20)]);
    const handled = new Set<string>();
    let calls = 0;
    const handle = await consumers.subscribeBatch({
      groupId: 'e2e.batch',
      topics: [Topics.SettlementEvents],
      fromBeginning: true,
      dedupe: true,
      partitionsConsumedConcurrently: 3,
      batchHandler: async (events, meta) => {
        if (!meta.manager) throw new Error('no transaction');
        calls += 1;
        for (const { event } of events) {
          if (handled.has(event.eventId)) throw new Error(`handled twice: ${event.eventId}`);
          handled.add(event.eventId);
        }
      },
    });
    await waitFor('200 distinct events', () => handled.size === 200);
    expect(calls).toBeLessThan(200);
    await handle.stop();
  });

  it('dead-letters an event whose handler keeps failing, after the retries', async () => {
    const topic = `${prefix}${Topics.Alerts}`;
    const deadLetters: KafkaMessage[] = [];
    const dltReader = raw.consumer({ groupId: `${prefix}e2e.alerts-dlt-reader`, maxWaitTimeInMs: 500 });
    rawConsumers.push(dltReader);
    await dltReader.connect();
    await dltReader.subscribe({ topics: [`${topic}.dlt`], fromBeginning: true });
    await dltReader.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });

    const failing = sampleRiskAlertRaised({ severity: 'critical' });
    const fine = sampleRiskAlertRaised({ caseId: failing.payload.caseId });
    let attempts = 0;
    const handled: string[] = [];
    const handle = await consumers.subscribe({
      groupId: 'e2e.handler-failure',
      topics: [Topics.Alerts],
      fromBeginning: true,
      handler: async (event) => {
        if (event.type === 'risk.alert-raised' && event.payload.severity === 'critical') {
          attempts += 1;
          throw new Error('inspector queue unavailable');
        }
        handled.push(event.eventId);
      },
    });
    await CorrelationContext.run('corr-failing', () => publisher.publish(Topics.Alerts, [failing, fine]));
    await waitFor('the dead letter and the next event', () => deadLetters.length === 1 && handled.length === 1);
    expect(attempts).toBe(2); // maxRetries: 1
    expect(handled).toEqual([fine.eventId]);
    const [letter] = deadLetters;
    expect(header(letter, 'dlt-reason')).toBe('HANDLER_FAILED');
    expect(header(letter, 'dlt-error')).toBe('Error: inspector queue unavailable');
    expect(header(letter, 'event-id')).toBe(failing.eventId);
    expect(header(letter, 'x-correlation-id')).toBe('corr-failing');
    expect(header(letter, 'dlt-original-topic')).toBe(Topics.Alerts);
    await handle.stop();
  });

  it('reports the broker up', async () => {
    await expect(moduleRef.get(KafkaHealthIndicator).check()).resolves.toEqual({
      kafka: expect.objectContaining({ status: 'up', mode: 'kafka', brokers: 1 }),
    });
    expect(moduleRef.get(EventTransport).mode).toBe('kafka');
  });
});

describe('Kafka embedded in-process transport', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    db = await createTestDatabase('kafkaemb');
    moduleRef = await buildModule({ KAFKA_BROKERS: '' }, db.url);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  it('delivers the same envelopes with the same dedupe and DLT semantics', async () => {
    const transport = moduleRef.get(EventTransport);
    expect(transport).toBeInstanceOf(EmbeddedTransport);
    const publisher = moduleRef.get(EventPublisher);
    const handled: { id: string; correlation: string | undefined; headers: Record<string, string> }[] = [];
    await moduleRef.get(EventConsumerRegistry).subscribe({
      groupId: 'e2e.embedded',
      topics: [Topics.MealEvents],
      dedupe: true,
      handler: async (event, meta) => void handled.push({ id: event.eventId, correlation: CorrelationContext.current(), headers: meta.headers }),
    });
    const event = sampleMealScanned();
    await CorrelationContext.run('corr-embedded-e2e', () => publisher.publish(Topics.MealEvents, [event, event]));
    await transport.publish(Topics.MealEvents, [{ key: event.aggregateId, value: JSON.stringify({ ...event, type: 'meal.eaten' }), headers: {} }]);
    const after = sampleMealScanned();
    await publisher.publish(Topics.MealEvents, [after]);

    const embedded = transport as EmbeddedTransport;
    await waitFor('delivery', () => handled.length === 2 && embedded.deadLetters().length === 1);
    expect(handled.map((h) => h.id).sort()).toEqual([event.eventId, after.eventId].sort());
    const first = handled.find((h) => h.id === event.eventId);
    expect(first?.correlation).toBe('corr-embedded-e2e');
    expect(first?.headers['event-id']).toBe(event.eventId);
    expect(embedded.deadLetters()[0]).toMatchObject({ reason: 'UNKNOWN_EVENT_TYPE', deadLetterTopic: 'meal.events.dlt', groupId: 'e2e.embedded' });
    const rows = (await moduleRef.get<DataSource>(getDataSourceToken()).query('SELECT count(*)::int AS n FROM processed_events')) as { n: number }[];
    expect(rows[0].n).toBe(2);
  });

  it('reports up in embedded mode', async () => {
    await expect(moduleRef.get(KafkaHealthIndicator).check()).resolves.toEqual({ kafka: { status: 'up', mode: 'embedded' } });
  });
});
