import { randomBytes } from 'node:crypto';
import { Admin, Kafka, logLevel, Producer } from 'kafkajs';
import { EventEnvelope, ProducerSystem, ProducerSystems, stampProducer, Topics } from '@meal/contracts';
import { sampleAllowanceClaim, sampleReceptionRecord, sampleRiskAlertRaised } from '@meal/contracts/event-samples';
import { desiredAcls, provisionTopicsAndAcls } from '@meal/kafka';
import { TEST_KAFKA_BROKER, testKafkaClientConfig, testKafkaConfig } from '@meal/testing';
import { createRiskHarness, fixtureMeal, RiskHarness, waitFor } from '../../apps/risk/test/risk-test-harness';
import { KafkaAclCase, kafkaAclCases } from './corpus/kafka-acl.cases';

/**
 * Issue 14, part 1, through the real broker (SASL/SCRAM, standard authorizer): after the provisioning of a fresh
 * topic prefix, a client without a login and every principal that is not a topic's writer are refused on the risk
 * service's input topics (and the alert and dead-letter topics); the right writer gets through; and the risk service,
 * running as its own principal `risk-service` under the same ACLs, sees nothing of the refused attempts while it does
 * process the right writer's events.
 */
describe('Kafka ACLs: only a topic\'s writer may produce, and nothing else reaches the risk service', () => {
  jest.setTimeout(180_000);
  const prefix = `t-acl-${randomBytes(4).toString('hex')}.`;
  const cases = kafkaAclCases();
  let risk: RiskHarness;
  let admin: Admin;
  const producers = new Map<string, Producer>();
  /** Every event id of a refused attempt: none may ever be processed. */
  const refusedEventIds: string[] = [];

  const producerAs = async (who: KafkaAclCase['as']): Promise<Producer> => {
    let producer = producers.get(who);
    if (!producer) {
      const retry = { retries: 1, initialRetryTime: 100 };
      const kafka =
        who === 'unauthenticated'
          ? new Kafka({ clientId: 'acl-anonymous', brokers: [TEST_KAFKA_BROKER], logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry })
          : new Kafka({ ...testKafkaClientConfig(`acl-${who}`, who), retry });
      producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: who !== 'unauthenticated', maxInFlightRequests: 1 });
      producers.set(who, producer);
    }
    return producer;
  };

  /** A valid event of the topic, stamped as if its writer had produced it (what a forger sends). */
  const eventFor = (topic: string): EventEnvelope => {
    const f = risk.fixture;
    const base = topic.replace(/\.dlt$/, '');
    const event: EventEnvelope =
      base === Topics.MealEvents || base === Topics.OutsideMealEvents
        ? fixtureMeal(f)
        : base === Topics.AllowanceClaims || base === Topics.ImportedAllowanceClaims
          ? sampleAllowanceClaim({ dinerId: f.diner.id, dinerUnitId: f.unitA.id })
          : base === Topics.ReceptionRecords || base === Topics.ImportedReceptionRecords
            ? sampleReceptionRecord({ hostUnitId: f.unitA.id, guestUnitIds: [f.unitB.id] })
            : sampleRiskAlertRaised();
    return stampProducer(event, base);
  };

  const send = async (who: KafkaAclCase['as'], topic: string, value: string, key: string | null = null): Promise<unknown> => {
    const producer = await producerAs(who);
    try {
      await producer.connect();
      await producer.send({ topic: `${prefix}${topic}`, acks: -1, messages: [{ key, value }] });
      return undefined;
    } catch (error) {
      return error;
    }
  };

  const endOffset = async (topic: string): Promise<bigint> =>
    (await admin.fetchTopicOffsets(`${prefix}${topic}`)).reduce((sum, p) => sum + BigInt(p.high), 0n);

  const errorType = (error: unknown): string | undefined => {
    const e = error as { type?: string; cause?: { type?: string } } | undefined;
    return e?.cause?.type ?? e?.type;
  };
  const errorName = (error: unknown): string => {
    const e = error as { name?: string; cause?: { name?: string } } | undefined;
    return `${e?.name ?? ''} ${e?.cause?.name ?? ''}`;
  };

  const processedIds = async (ids: string[]): Promise<string[]> =>
    ((await risk.dataSource.query(`SELECT event_id::text AS id FROM processed_events WHERE event_id = ANY($1::uuid[])`, [ids])) as { id: string }[]).map((r) => r.id);

  beforeAll(async () => {
    admin = new Kafka(testKafkaClientConfig('acl-admin')).admin();
    await admin.connect();
    await provisionTopicsAndAcls(admin, prefix);
    // the risk service as in production: its own principal, the provisioned topics, no right to create any
    risk = await createRiskHarness('kafkaacl', testKafkaConfig(prefix, ProducerSystems.RiskService));
  });

  afterAll(async () => {
    await Promise.allSettled([...producers.values()].map((p) => p.disconnect()));
    await risk?.close();
    await admin?.deleteAcls({ filters: desiredAcls(prefix) }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('the provisioning is idempotent', async () => {
    const again = await provisionTopicsAndAcls(admin, prefix);
    expect(again).toEqual({ createdTopics: [], createdAcls: 0, removedAcls: 0 });
  });

  it('covers every input topic of the risk service, unauthenticated and with each wrong principal', () => {
    const inputs = [Topics.MealEvents, Topics.OutsideMealEvents, Topics.AllowanceClaims, Topics.ReceptionRecords, Topics.ImportedAllowanceClaims, Topics.ImportedReceptionRecords];
    for (const topic of inputs) {
      expect(cases.some((c) => c.topic === topic && c.as === 'unauthenticated')).toBe(true);
      expect(cases.filter((c) => c.topic === topic && c.as !== 'unauthenticated')).toHaveLength(3);
    }
  });

  describe.each(cases.map((c) => [c.name, c] as const))('refused: %s', (_name, c) => {
    it(`is refused with ${c.expect} and the topic does not grow`, async () => {
      const before = await endOffset(c.topic);
      const event = eventFor(c.topic);
      refusedEventIds.push(event.eventId);
      const error = await send(c.as, c.topic, JSON.stringify(event), event.aggregateId);
      expect(error).toBeDefined();
      if (c.expect === 'TOPIC_AUTHORIZATION_FAILED') expect(errorType(error)).toBe('TOPIC_AUTHORIZATION_FAILED');
      else expect(errorName(error)).toMatch(/ConnectionClosed|Connection/);
      expect(await endOffset(c.topic)).toBe(before);
    });
  });

  it('each topic\'s writer gets through, and the risk service (as risk-service) processes those events and none of the refused ones', async () => {
    const f = risk.fixture;
    const meal = stampProducer(fixtureMeal(f, { mealDate: '2025-04-01', scannedAt: '2025-04-01T04:00:00.000Z' }), Topics.MealEvents);
    const claim = stampProducer(sampleAllowanceClaim({ dinerId: f.diner.id, dinerUnitId: f.unitA.id }), Topics.AllowanceClaims);
    const reception = stampProducer(sampleReceptionRecord({ hostUnitId: f.unitA.id, guestUnitIds: [f.unitB.id] }), Topics.ReceptionRecords);
    const writes: Array<[ProducerSystem, string, EventEnvelope]> = [
      [ProducerSystems.CanteenService, Topics.MealEvents, meal],
      [ProducerSystems.FinanceSystem, Topics.AllowanceClaims, claim],
      [ProducerSystems.FinanceSystem, Topics.ReceptionRecords, reception],
      [ProducerSystems.OutsideCanteen, Topics.OutsideMealEvents, stampProducer(fixtureMeal(f), Topics.OutsideMealEvents)],
      [ProducerSystems.RiskService, Topics.ImportedAllowanceClaims, eventFor(Topics.ImportedAllowanceClaims)],
      [ProducerSystems.RiskService, Topics.Alerts, eventFor(Topics.Alerts)],
    ];
    for (const [who, topic, event] of writes) {
      const before = await endOffset(topic);
      expect(await send(who, topic, JSON.stringify(event), event.aggregateId)).toBeUndefined();
      expect(await endOffset(topic)).toBe(before + 1n);
    }

    // the right writers' events reach the risk service's facts
    await waitFor('the risk service processed the writers\' events', async () => (await processedIds([meal.eventId, claim.eventId, reception.eventId])).length === 3, 60_000);
    const mealFacts = (await risk.dataSource.query(`SELECT event_id::text AS id FROM risk_meal_facts`)) as { id: string }[];
    expect(mealFacts.map((r) => r.id)).toEqual([meal.eventId]);
    const claims = (await risk.dataSource.query(`SELECT event_id::text AS id FROM risk_allowance_claims`)) as { id: string }[];
    expect(claims.map((r) => r.id)).toEqual([claim.eventId]);
    const receptions = (await risk.dataSource.query(`SELECT event_id::text AS id FROM risk_reception_records`)) as { id: string }[];
    expect(receptions.map((r) => r.id)).toEqual([reception.eventId]);

    // nothing of the refused attempts: they never were on a topic, so no row anywhere names them
    expect(refusedEventIds.length).toBe(cases.length);
    expect(await processedIds(refusedEventIds)).toEqual([]);
    // a warning, if any, comes from the writers' events (the sample reception record has no official letter)
    const triggers = (await risk.dataSource.query(`SELECT trigger_event_id::text AS id FROM risk_warnings`)) as { id: string }[];
    for (const { id } of triggers) expect([meal.eventId, claim.eventId, reception.eventId]).toContain(id);
  });

  it('the risk service may dead-letter what it cannot read (WRITE on the .dlt of the topics it consumes)', async () => {
    const before = await endOffset(`${Topics.MealEvents}.dlt`);
    expect(await send(ProducerSystems.CanteenService, Topics.MealEvents, '{"eventId": "broken', risk.fixture.diner.id)).toBeUndefined();
    await waitFor('the dead letter', async () => (await endOffset(`${Topics.MealEvents}.dlt`)) === before + 1n, 60_000);
  });
});
