import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import request from 'supertest';
import { ParsedEvent, Topics } from '@meal/contracts';
import { EventConsumerRegistry, OutboxRelay, readBrokerLogin } from '@meal/kafka';
import { portOpen, testKafkaClientConfig, testKafkaConfig } from '@meal/testing';
import { createScanningHarness, ScanningHarness } from './testing/scanning-test-harness';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function scan(h: ScanningHarness, diner = h.fixture.diner): Promise<{ mealId: string; pass: string }> {
  const res = await request(h.baseUrl as string)
    .post('/scans')
    .set('Authorization', `Bearer ${diner.token}`)
    .set('Idempotency-Key', `ev-${randomBytes(6).toString('hex')}`)
    .send({ code: h.fixture.canteen.mealCodeText, ...h.fixture.canteen.location });
  expect(res.status).toBe(201);
  return { mealId: res.body.meal.id, pass: res.body.pass.token };
}

describe('meal events through the outbox to the real broker', () => {
  jest.setTimeout(120_000);
  const prefix = `t-${randomBytes(4).toString('hex')}.`;
  let h: ScanningHarness;

  beforeAll(async () => {
    h = await createScanningHarness({ label: 'scanevents', listen: true, config: testKafkaConfig(prefix) });
  });
  afterAll(async () => {
    await h?.close();
    const admin = new Kafka(testKafkaClientConfig('cleanup')).admin();
    try {
      await admin.connect();
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
    } catch {
      // best effort
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  });

  it('scan, verify and void each write one outbox row; a consumer receives them keyed by the diner', async () => {
    const received: ParsedEvent[] = [];
    const handle = await h.app.get(EventConsumerRegistry).subscribe({
      groupId: 'test.scan-events',
      topics: [Topics.MealEvents],
      fromBeginning: true,
      dedupe: true,
      handler: async (event) => void received.push(event),
    });
    await handle.ready;
    const keys: (string | null)[] = [];
    const raw = new Kafka(testKafkaClientConfig('raw-reader')).consumer({ groupId: `${prefix}raw` });
    await raw.connect();
    await raw.subscribe({ topic: `${prefix}${Topics.MealEvents}`, fromBeginning: true });
    await raw.run({ eachMessage: async ({ message }) => void keys.push(message.key?.toString() ?? null) });
    try {
      const before = await h.count('outbox_events');
      const { mealId, pass } = await scan(h);
      expect(await h.count('outbox_events')).toBe(before + 1);
      await request(h.baseUrl as string).post('/terminal/verifications').set('Authorization', `Bearer ${h.fixture.terminal.token}`).send({ pass }).expect(200);
      expect(await h.count('outbox_events')).toBe(before + 2);
      // A refused scan (second in the slot) writes nothing.
      await request(h.baseUrl as string)
        .post('/scans')
        .set('Authorization', `Bearer ${h.fixture.diner.token}`)
        .set('Idempotency-Key', `ev-${randomBytes(6).toString('hex')}`)
        .send({ code: h.fixture.canteen.mealCodeText, ...h.fixture.canteen.location })
        .expect(409);
      await request(h.baseUrl as string)
        .post(`/meals/${mealId}/void`)
        .set('Authorization', `Bearer ${h.fixture.adminToken}`)
        .set('Idempotency-Key', `void-${randomBytes(6).toString('hex')}`)
        .send({ reason: '测试作废' })
        .expect(200);
      expect(await h.count('outbox_events')).toBe(before + 3);

      await waitFor('three events of the meal', () => received.filter((e) => (e.payload as { mealId: string }).mealId === mealId).length === 3);
      const mine = received.filter((e) => (e.payload as { mealId: string }).mealId === mealId);
      expect(mine.map((e) => e.type)).toEqual(['meal.scanned', 'meal.verified', 'meal.voided']);
      const scanned = mine[0];
      expect(scanned.aggregateId).toBe(h.fixture.diner.id);
      expect(scanned.payload).toMatchObject({
        mealId,
        dinerId: h.fixture.diner.id,
        dinerUnitId: h.fixture.ownUnit.id,
        dinerRegionCode: '330802',
        canteenId: h.fixture.canteen.id,
        canteenOwnerUnitId: h.fixture.ownUnit.id,
        canteenRegionCode: '330802',
        slot: 'lunch',
        mealDate: '2025-11-24',
        priceFen: 1500,
        payer: 'self',
        paymentKind: 'personal-wallet',
        withinGeofence: true,
        codeVersion: 1,
      });
      expect(mine[2].payload).toMatchObject({ refundFen: 1500, reason: '测试作废' });
      await waitFor('raw keys', () => keys.length >= 3);
      expect(new Set(keys)).toEqual(new Set([h.fixture.diner.id]));
      await waitFor('outbox drained', async () => (await h.app.get(OutboxRelay).backlogSize()) === 0);
    } finally {
      await raw.disconnect();
      await handle.stop();
    }
  });
});

/**
 * The broker dies: scans still commit, their events wait in the outbox, and arrive exactly once when it is back.
 * Uses a SECOND broker on its own ports and data directory, so other suites on the shared broker are not disturbed.
 */
describe('broker down: the outbox holds the events until the broker is back', () => {
  jest.setTimeout(240_000);
  // its own ports (TEST_KAFKA_SPARE_PORT when 19092 is some other test broker's)
  const port = Number(process.env.TEST_KAFKA_SPARE_PORT ?? 19092);
  const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1), KAFKA_DATA_DIR: mkdtempSync(join(tmpdir(), 'kafka-down-')) };
  const broker = `127.0.0.1:${port}`;
  const kafka = (command: 'start' | 'stop'): void => {
    execFileSync('bash', [join(REPO_ROOT, 'scripts/kafka/kafka.sh'), command], { env, stdio: 'ignore', timeout: 120_000 });
  };
  let h: ScanningHarness | undefined;
  // the SASL login of that broker's administrator, from the credentials kafka.sh generated in its data dir
  const adminLogin = (): Record<string, string> => {
    const login = readBrokerLogin(join(env.KAFKA_DATA_DIR, 'credentials.env'), 'admin');
    return { KAFKA_SASL_MECHANISM: login.mechanism, KAFKA_SASL_USERNAME: login.username, KAFKA_SASL_PASSWORD: login.password };
  };

  beforeAll(async () => {
    if (await portOpen(broker)) throw new Error(`port ${port} is busy: another test broker is running`);
    kafka('start');
  });
  afterAll(async () => {
    await h?.close();
    kafka('stop');
    rmSync(env.KAFKA_DATA_DIR, { recursive: true, force: true });
  });

  it('a meal committed while the broker is down is published once it is back, exactly once at a deduplicating consumer', async () => {
    h = await createScanningHarness({
      label: 'brokerdown',
      listen: true,
      config: { KAFKA_BROKERS: broker, KAFKA_TOPIC_PREFIX: `t-${randomBytes(4).toString('hex')}.`, ...adminLogin() },
    });
    const handled = new Map<string, number>();
    const handle = await h.app.get(EventConsumerRegistry).subscribe({
      groupId: 'test.broker-down',
      topics: [Topics.MealEvents],
      fromBeginning: true,
      dedupe: true,
      handler: async (event) => void handled.set(event.eventId, (handled.get(event.eventId) ?? 0) + 1),
    });
    await handle.ready;
    const relay = h.app.get(OutboxRelay);

    kafka('stop');
    const { mealId } = await scan(h);
    const [{ event_id: eventId }] = (await h.dataSource.query(`SELECT event_id FROM outbox_events WHERE envelope->'payload'->>'mealId' = $1`, [mealId])) as {
      event_id: string;
    }[];
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await relay.backlogSize()).toBe(1);
    expect(handled.has(eventId)).toBe(false);

    kafka('start');
    await waitFor('the event after the broker came back', () => handled.has(eventId), 120_000);
    await waitFor('outbox drained', async () => (await relay.backlogSize()) === 0, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(handled.get(eventId)).toBe(1);
    const [{ n }] = await h.dataSource.query(`SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1`, [eventId]);
    expect(n).toBe(1);
    await handle.stop();
  });
});
