import { Consumer, Kafka, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import request from 'supertest';
import { App } from 'supertest/types';
import { Topics } from '@meal/contracts';
import { sampleAllowanceClaim, sampleMealScanned, sampleMealVoided } from '@meal/contracts/event-samples';
import { EventPublisher } from '@meal/kafka';
import { testKafkaClientConfig } from '@meal/testing';
import { RISK_ENTITIES } from '../src/risk-app.module';
import { createRiskHarness, fixtureMeal, RiskHarness, waitFor } from './risk-test-harness';

jest.setTimeout(120_000);

interface WarningRow {
  id: string;
  model_key: string;
  dedupe_key: string;
  explanation: string;
  evidence: { kind: string; ref: string; eventId: string; details: Record<string, unknown> }[];
  case_id: string;
  trigger_event_id: string;
  settings_revision: number;
  thresholds: Record<string, unknown>;
  model_version: string;
}

describe('risk service through the real broker', () => {
  let h: RiskHarness;
  const raw = new Kafka(testKafkaClientConfig('risk-e2e-raw'));
  let producer: Producer;
  const consumers: Consumer[] = [];
  const alerts: KafkaMessage[] = [];
  const deadLetters: KafkaMessage[] = [];

  const http = (): App => h.app.getHttpServer() as App;
  const publish = (topic: string, events: Parameters<EventPublisher['publish']>[1]) => h.app.get(EventPublisher).publish(topic, events);
  const warnings = async (model?: string): Promise<WarningRow[]> =>
    (await h.dataSource.query(`SELECT * FROM risk_warnings ${model ? 'WHERE model_key = $1' : ''} ORDER BY raised_at, id`, model ? [model] : [])) as WarningRow[];
  const processed = async (eventId: string): Promise<boolean> =>
    ((await h.dataSource.query(`SELECT 1 FROM processed_events WHERE consumer_group = 'risk.models' AND event_id = $1`, [eventId])) as unknown[]).length === 1;

  // meals are keyed by diner, as the canteen service publishes them
  const meal = (overrides: Parameters<typeof sampleMealScanned>[0] = {}) => fixtureMeal(h.fixture, overrides);


  beforeAll(async () => {
    h = await createRiskHarness('riske2e');
    producer = raw.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const alertReader = raw.consumer({ groupId: `${h.prefix}e2e.alerts`, maxWaitTimeInMs: 300 });
    const dltReader = raw.consumer({ groupId: `${h.prefix}e2e.dlt`, maxWaitTimeInMs: 300 });
    consumers.push(alertReader, dltReader);
    await alertReader.connect();
    await alertReader.subscribe({ topics: [`${h.prefix}${Topics.Alerts}`], fromBeginning: true });
    await alertReader.run({ eachMessage: async ({ message }) => void alerts.push(message) });
    await dltReader.connect();
    await dltReader.subscribe({ topics: [`${h.prefix}${Topics.MealEvents}.dlt`], fromBeginning: true });
    await dltReader.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await producer?.disconnect();
    await h?.close();
  });

  it('two meals of one diner in one slot → one warning with evidence and a Chinese explanation, a case, and an alert on risk.alerts', async () => {
    const f = h.fixture;
    const first = meal({ canteenId: f.canteenA.id, scannedAt: '2025-03-03T04:01:00.000Z' });
    const second = meal({
      canteenId: f.canteenB.id,
      canteenOwnerUnitId: f.canteenB.ownerUnitId,
      canteenRegionCode: '330803',
      scanLatitude: f.canteenB.latitude,
      scanLongitude: f.canteenB.longitude,
      scannedAt: '2025-03-03T04:20:00.000Z',
    });
    await publish(Topics.MealEvents, [first, second]);
    await waitFor('the two-meals warning', async () => (await warnings('two-meals-one-slot')).length === 1);
    const [w] = await warnings('two-meals-one-slot');
    expect(w.dedupe_key).toBe(`two-meals:${f.diner.id}:2025-03-03:lunch`);
    expect(w.explanation).toBe('张三（衢江区财政局）于2025-03-03午餐在两个食堂各就餐一次：柯城区机关食堂 12:01、衢江区机关食堂 12:20');
    expect(w.evidence.map((e) => [e.kind, e.ref, e.eventId])).toEqual([
      ['meal', first.payload.mealId, first.eventId],
      ['meal', second.payload.mealId, second.eventId],
    ]);
    expect(w.evidence[1].details).toMatchObject({ canteenName: '衢江区机关食堂', slot: 'lunch', payer: 'self' });
    expect(w).toMatchObject({ trigger_event_id: second.eventId, model_version: '1', settings_revision: 1, thresholds: { maxMealsPerSlot: 1 } });
    const [kase] = (await h.dataSource.query(`SELECT * FROM risk_cases WHERE id = $1`, [w.case_id])) as { status: string; warning_count: number; region_code: string }[];
    expect(kase).toMatchObject({ status: 'new', warning_count: 1, region_code: '330803' });
    await waitFor('the alert event', () => alerts.some((m) => m.value?.toString().includes(w.id)));
    const alert = JSON.parse(alerts.find((m) => m.value?.toString().includes(w.id))!.value!.toString()) as { type: string; payload: Record<string, unknown> };
    expect(alert.type).toBe('risk.alert-raised');
    expect(alert.payload).toMatchObject({ alertId: w.id, caseId: w.case_id, model: 'two-meals-one-slot', subjectType: 'diner', subjectId: f.diner.id, jurisdictionRegionCode: '330803' });
  });

  it('the same event published twice → still one warning; a void is recorded', async () => {
    const f = h.fixture;
    const a = meal({ slot: 'breakfast', mealDate: '2025-03-04', scannedAt: '2025-03-04T00:05:00.000Z' });
    const b = meal({ slot: 'breakfast', mealDate: '2025-03-04', scannedAt: '2025-03-04T00:25:00.000Z', canteenId: f.canteenB.id, canteenOwnerUnitId: f.canteenB.ownerUnitId, scanLatitude: f.canteenB.latitude, scanLongitude: f.canteenB.longitude });
    await publish(Topics.MealEvents, [a, b]);
    await publish(Topics.MealEvents, [b, a]);
    const voided = { ...sampleMealVoided({ mealId: a.payload.mealId, dinerId: f.diner.id, canteenId: f.canteenA.id }), aggregateId: f.diner.id };
    await publish(Topics.MealEvents, [voided]);
    await waitFor('the void', () => processed(voided.eventId));
    const mine = (await warnings('two-meals-one-slot')).filter((w) => w.dedupe_key.endsWith(':2025-03-04:breakfast'));
    expect(mine).toHaveLength(1);
    const [{ n }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM processed_events WHERE event_id = ANY($1::uuid[])`, [[a.eventId, b.eventId]])) as { n: number }[];
    expect(n).toBe(2);
    const [fact] = (await h.dataSource.query(`SELECT voided_at FROM risk_meal_facts WHERE meal_id = $1`, [a.payload.mealId])) as { voided_at: Date | null }[];
    expect(fact.voided_at).not.toBeNull();
  });

  it('two warnings of one diner and model → one open case with warning_count 2', async () => {
    const [w1] = (await warnings('two-meals-one-slot')).filter((w) => w.dedupe_key.endsWith(':2025-03-03:lunch'));
    const [w2] = (await warnings('two-meals-one-slot')).filter((w) => w.dedupe_key.endsWith(':2025-03-04:breakfast'));
    expect(w1.case_id).toBe(w2.case_id);
    const cases = (await h.dataSource.query(`SELECT warning_count, first_warning_at, last_warning_at FROM risk_cases WHERE model_key = 'two-meals-one-slot'`)) as {
      warning_count: number;
    }[];
    expect(cases).toHaveLength(1);
    expect(cases[0].warning_count).toBe(2);
  });

  it('a malformed and an unknown-version message go to the DLT and the next message on the partition is still processed', async () => {
    const f = h.fixture;
    const good = meal({ slot: 'dinner', mealDate: '2025-03-05', scannedAt: '2025-03-05T10:00:00.000Z' });
    await producer.send({
      topic: `${h.prefix}${Topics.MealEvents}`,
      messages: [
        { key: f.diner.id, value: '{"eventId": "broken' },
        { key: f.diner.id, value: JSON.stringify({ ...meal(), version: 99 }) },
        { key: f.diner.id, value: JSON.stringify(good) },
      ],
    });
    await waitFor('the good event', () => processed(good.eventId));
    await waitFor('two dead letters', () => deadLetters.length >= 2);
    const reasons = deadLetters.map((m) => m.headers?.['dlt-reason']?.toString()).sort();
    expect(reasons).toEqual(['MALFORMED_JSON', 'UNSUPPORTED_VERSION']);
    expect(deadLetters.every((m) => m.headers?.['dlt-consumer-group']?.toString() === 'risk.models')).toBe(true);
  });

  it('duplicate subsidy: a claim, then a unit-paid meal inside the trip → warning; overlapping claims list the days', async () => {
    const f = h.fixture;
    const claim = sampleAllowanceClaim({ claimId: 'claim-e2e-1', dinerId: f.diner.id, dinerUnitId: f.unitA.id, tripStart: '2025-03-10', tripEnd: '2025-03-12', days: 3, allowanceFen: 30000, status: 'approved' });
    await publish(Topics.AllowanceClaims, [claim]);
    await waitFor('the claim', () => processed(claim.eventId));
    const paid = meal({ mealDate: '2025-03-11', scannedAt: '2025-03-11T04:00:00.000Z', payer: 'unit', paymentKind: 'unit-settlement', priceFen: 2000 });
    await publish(Topics.MealEvents, [paid]);
    await waitFor('the duplicate-subsidy warning', async () => (await warnings('duplicate-subsidy')).length === 1);
    const [w] = await warnings('duplicate-subsidy');
    expect(w.dedupe_key).toBe(`dup-subsidy:meal:${paid.payload.mealId}:claim-e2e-1`);
    expect(w.explanation).toBe('张三（衢江区财政局）于2025-03-11午餐在柯城区机关食堂公务结算就餐20.00元，同日已申领差旅伙食补助（claim-e2e-1，2025-03-10至2025-03-12）');
    expect(w.evidence.map((e) => e.kind)).toEqual(['meal', 'allowance-claim']);

    const overlapping = sampleAllowanceClaim({ claimId: 'claim-e2e-2', dinerId: f.diner.id, dinerUnitId: f.unitA.id, tripStart: '2025-03-12', tripEnd: '2025-03-14', days: 3, status: 'submitted' });
    await publish(Topics.AllowanceClaims, [overlapping]);
    await waitFor('the overlap warning', async () => (await warnings('duplicate-subsidy')).some((x) => x.dedupe_key === 'dup-subsidy:claims:claim-e2e-1:claim-e2e-2'));
    const overlap = (await warnings('duplicate-subsidy')).find((x) => x.dedupe_key === 'dup-subsidy:claims:claim-e2e-1:claim-e2e-2')!;
    expect(overlap.explanation).toContain('行程重叠1天（2025-03-12）');
  });

  it('a restart on the same database and group neither repeats warnings nor stops processing', async () => {
    const before = (await warnings()).map((w) => w.dedupe_key).sort();
    const [{ n: outboxBefore }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM outbox_events`)) as { n: number }[];
    await h.restart();
    // a redelivery of an already processed event after the restart
    const [w] = await warnings('duplicate-subsidy');
    const replayed = meal({ mealDate: '2025-03-11', scannedAt: '2025-03-11T04:00:00.000Z', payer: 'unit', paymentKind: 'unit-settlement', priceFen: 2000 });
    const [{ evidence }] = [w];
    const original = { ...replayed, eventId: evidence[0].eventId, payload: { ...replayed.payload, mealId: evidence[0].ref } };
    await publish(Topics.MealEvents, [original]);
    const fresh = meal({ slot: 'dinner', mealDate: '2025-03-20', scannedAt: '2025-03-20T10:00:00.000Z', withinGeofence: false, distanceMeters: 2500 });
    await publish(Topics.MealEvents, [fresh]);
    await waitFor('the geofence warning after the restart', async () => (await warnings('proxy-or-fake-scan')).some((x) => x.dedupe_key === `proxy-scan:geofence:${fresh.payload.mealId}`));
    const after = (await warnings()).map((x) => x.dedupe_key).filter((k) => k !== `proxy-scan:geofence:${fresh.payload.mealId}`).sort();
    expect(after).toEqual(before);
    const [{ n: outboxAfter }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM outbox_events`)) as { n: number }[];
    expect(outboxAfter).toBe(outboxBefore + 1);
  });

  it('CSV import of reception records: a bad row is reported by line, the good rows are published and raise warnings', async () => {
    const f = h.fixture;
    const csv = [
      'recordId,hostUnitId,guestUnitIds,date,headcount,amountFen,officialLetterRef,place',
      `rec-csv-1,${f.unitA.id},${f.unitB.id},2025-03-01,4,48000,,衢江区机关食堂包厢`,
      `rec-csv-2,${f.unitB.id},${f.unitA.id},2025-03-20,3,"36000",衢教函〔2025〕3号,"柯城区机关食堂, 二楼"`,
      `rec-csv-bad,${f.unitA.id},${f.unitB.id},2025-02-30,0,-5,,x`,
      `rec-csv-3,${f.unitA.id},${f.unitHangzhou.id},2025-03-02,2,20000,,衢江区机关食堂`,
    ].join('\r\n');
    const res = await request(http()).post('/imports/reception-records').set('Authorization', `Bearer ${h.tokens.finance}`).set('Content-Type', 'text/csv').send(csv).expect(200);
    expect(res.body.accepted).toBe(3);
    expect(res.body.rejected).toHaveLength(1);
    expect(res.body.rejected[0].line).toBe(4);
    expect(res.body.rejected[0].errors.map((e: { field: string }) => e.field).sort()).toEqual(['amountFen', 'date', 'headcount']);
    await waitFor('same-city and mutual-treating warnings', async () => (await warnings('same-city-reception')).length === 2 && (await warnings('mutual-treating')).length === 1);
    const same = await warnings('same-city-reception');
    expect(same.map((w) => w.dedupe_key).sort()).toEqual(['same-city-reception:rec-csv-1', 'same-city-reception:rec-csv-2']);
    const [mutual] = await warnings('mutual-treating');
    expect(mutual.dedupe_key).toBe('mutual-treating:pair:rec-csv-1:rec-csv-2');
    expect(mutual.explanation).toContain('衢江区财政局与柯城区教育局在19天内相互接待');
    expect(((await h.dataSource.query(`SELECT 1 FROM risk_reception_records WHERE record_id = 'rec-csv-bad'`)) as unknown[]).length).toBe(0);
  });

  it('JSON import of allowance claims; a wrong content type or header is refused with nothing published', async () => {
    const f = h.fixture;
    const good = sampleAllowanceClaim({ claimId: 'claim-json-1', dinerId: f.diner.id, dinerUnitId: f.unitA.id, tripStart: '2025-04-01', tripEnd: '2025-04-02' }).payload;
    const res = await request(http())
      .post('/imports/allowance-claims')
      .set('Authorization', `Bearer ${h.tokens.admin}`)
      .send([good, { ...good, claimId: 'claim-json-2', tripEnd: '2025-03-01', extra: 1 }])
      .expect(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected[0].line).toBe(2);
    expect(res.body.rejected[0].errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'tripEnd']);
    const bad = await request(http()).post('/imports/allowance-claims').set('Authorization', `Bearer ${h.tokens.admin}`).set('Content-Type', 'text/csv').send('claimId,nope\nx,y').expect(400);
    expect(bad.body.code).toBe('IMPORT_BODY_INVALID');
    await request(http()).post('/imports/allowance-claims').set('Authorization', `Bearer ${h.tokens.inspectorCity}`).send([good]).expect(403);
  });

  it('warnings and cases are filtered to the inspector jurisdiction', async () => {
    const list = async (token: string, path: string) => (await request(http()).get(path).set('Authorization', `Bearer ${token}`).expect(200)).body as { items: { regionCode: string; modelKey: string }[]; total: number };
    const qujiang = await list(h.tokens.inspectorQujiang, '/warnings?model=two-meals-one-slot');
    expect(qujiang.total).toBe(2);
    expect(qujiang.items.every((w) => w.regionCode === '330803')).toBe(true);
    const kecheng = await list(h.tokens.inspectorKecheng, '/warnings?model=two-meals-one-slot');
    expect(kecheng.total).toBe(0);
    const city = await list(h.tokens.inspectorCity, '/cases');
    const admin = await list(h.tokens.admin, '/cases');
    expect(city.total).toBe(admin.total);
    expect((await list(h.tokens.inspectorKecheng, '/cases?model=mutual-treating')).total).toBe(0); // a city-level pair (330800)
    expect((await list(h.tokens.inspectorCity, '/cases?model=mutual-treating')).total).toBe(1);
  });

  it('model settings: PATCH bumps the revision, refuses bad thresholds; backtest compares shadow with live', async () => {
    const auth = { Authorization: `Bearer ${h.tokens.admin}` };
    const models = await request(http()).get('/models').set(auth).expect(200);
    expect(models.body.map((m: { key: string }) => m.key).sort()).toEqual(
      ['duplicate-subsidy', 'mutual-treating', 'proxy-or-fake-scan', 'same-city-reception', 'two-meals-one-slot', 'unusual-flow'],
    );
    const bad = await request(http()).patch('/models/proxy-or-fake-scan').set(auth).send({ thresholds: { maxSpeedKmh: -1 } }).expect(400);
    expect(bad.body.code).toBe('RISK_MODEL_THRESHOLDS_INVALID');
    const changed = await request(http()).patch('/models/proxy-or-fake-scan').set(auth).send({ thresholds: { maxSpeedKmh: 150 }, severity: 'critical' }).expect(200);
    expect(changed.body).toMatchObject({ revision: 2, severity: 'critical', thresholds: { maxSpeedKmh: 150, minJumpKm: 1 } });
    await request(http()).get('/models/nope').set(auth).expect(404);

    const same = await request(http()).post('/models/two-meals-one-slot/backtest').set(auth).send({}).expect(200);
    // the 03-04 breakfast meal was voided after its warning: the shadow run over today's facts no longer raises it
    expect(same.body).toMatchObject({ wouldRaise: 1, live: 2, inBoth: 1, onlyInShadow: [] });
    expect(same.body.onlyInLive).toEqual([`two-meals:${h.fixture.diner.id}:2025-03-04:breakfast`]);
    const stricter = await request(http()).post('/models/two-meals-one-slot/backtest').set(auth).send({ thresholds: { maxMealsPerSlot: 2 }, from: '2025-03-01', to: '2025-03-31' }).expect(200);
    expect(stricter.body).toMatchObject({ wouldRaise: 0, live: 2, onlyInShadow: [] });
    expect(stricter.body.onlyInLive).toHaveLength(2);
    await request(http()).post('/models/two-meals-one-slot/backtest').set(auth).send({ version: '9' }).expect(422);
    const [{ n }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM risk_warnings WHERE model_key = 'two-meals-one-slot'`)) as { n: number }[];
    expect(n).toBe(2);
  });

  it('a disabled model raises nothing', async () => {
    const auth = { Authorization: `Bearer ${h.tokens.admin}` };
    await request(http()).patch('/models/two-meals-one-slot').set(auth).send({ enabled: false }).expect(200);
    const x = meal({ slot: 'lunch', mealDate: '2025-03-21', scannedAt: '2025-03-21T04:00:00.000Z' });
    const y = meal({ slot: 'lunch', mealDate: '2025-03-21', scannedAt: '2025-03-21T04:10:00.000Z' });
    await publish(Topics.MealEvents, [x, y]);
    await waitFor('both meals', async () => (await processed(x.eventId)) && (await processed(y.eventId)));
    expect((await warnings('two-meals-one-slot')).filter((w) => w.dedupe_key.includes('2025-03-21'))).toHaveLength(0);
    await request(http()).patch('/models/two-meals-one-slot').set(auth).send({ enabled: true }).expect(200);
  });

  it('every mapped risk entity matches its table', async () => {
    for (const entity of RISK_ENTITIES) await expect(h.dataSource.getRepository(entity).find({ take: 1 })).resolves.toBeDefined();
  });
});
