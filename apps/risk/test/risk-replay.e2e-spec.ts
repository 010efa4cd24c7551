import request from 'supertest';
import { App } from 'supertest/types';
import { Topics } from '@meal/contracts';
import { sampleAllowanceClaim, sampleMealScanned } from '@meal/contracts/event-samples';
import { EventPublisher } from '@meal/kafka';
import { createRiskHarness, fixtureMeal, RiskHarness, waitFor } from './risk-test-harness';

jest.setTimeout(180_000);

interface ReplayRun {
  id: string;
  status: string;
  consumerGroup: string;
  eventsConsumed: number;
  error: string | null;
  result: { models: { model: string; wouldRaise: number; live: number; inBoth: number; onlyInShadow: string[]; onlyInLive: string[] }[]; eventsPerSecond: number } | null;
}

/** POST /replays as the administrator, then GET /replays/:id until the run is no longer running. */
async function replayToEnd(h: RiskHarness, body: object): Promise<ReplayRun> {
  const http = h.app.getHttpServer() as App;
  const auth = { Authorization: `Bearer ${h.tokens.admin}` };
  const started = await request(http).post('/replays').set(auth).send(body).expect(202);
  expect(started.body.status).toBe('running');
  let run: ReplayRun = started.body;
  await waitFor('the replay to end', async () => {
    run = (await request(http).get(`/replays/${started.body.id}`).set(auth).expect(200)).body;
    return run.status !== 'running';
  });
  return run;
}

describe('shadow replay of the topics through the real broker', () => {
  let h: RiskHarness;
  const http = (): App => h.app.getHttpServer() as App;
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${h.tokens.admin}` });
  const count = async (table: string): Promise<number> => ((await h.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[])[0].n;

  const replay = (body: object): Promise<ReplayRun> => replayToEnd(h, body);

  beforeAll(async () => {
    h = await createRiskHarness('riskreplay');
    const f = h.fixture;
    const meal = (overrides: Parameters<typeof sampleMealScanned>[0]) => fixtureMeal(f, overrides);
    const publisher = h.app.get(EventPublisher);
    // two meals in one lunch (two-meals), a claim covering a unit-paid meal (duplicate-subsidy), and 40 colleagues lunching
    // at the canteen of another unit on one day (the unit-pair half of unusual-flow)
    await publisher.publish(Topics.MealEvents, [
      meal({ mealDate: '2025-03-03', scannedAt: '2025-03-03T04:01:00.000Z' }),
      meal({ mealDate: '2025-03-03', scannedAt: '2025-03-03T04:25:00.000Z' }),
      meal({ mealDate: '2025-03-05', slot: 'lunch', scannedAt: '2025-03-05T04:00:00.000Z', payer: 'unit', paymentKind: 'unit-settlement' }),
      ...Array.from({ length: 40 }, (_, i) => meal({ mealDate: '2025-03-10', slot: 'lunch', dinerId: `diner-${i}`, scannedAt: '2025-03-10T04:00:00.000Z' })),
    ]);
    await publisher.publish(Topics.AllowanceClaims, [
      sampleAllowanceClaim({ claimId: 'claim-replay-1', dinerId: f.diner.id, dinerUnitId: f.unitA.id, tripStart: '2025-03-05', tripEnd: '2025-03-06', status: 'approved' }),
    ]);
    await waitFor('the live consumer', async () => (await count('processed_events')) === 44);
    await waitFor('the alerts relayed', async () => ((await h.dataSource.query(`SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`)) as { n: number }[])[0].n === 0);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('re-evaluates every event from the beginning with its own consumer group and reports the same warnings as live, writing none', async () => {
    const [warnings, cases, facts, outbox] = [await count('risk_warnings'), await count('risk_cases'), await count('risk_meal_facts'), await count('outbox_events')];
    const run = await replay({});
    expect(run.status).toBe('completed');
    expect(run.consumerGroup).toMatch(/^risk\.replay\.[0-9a-f]{8}$/);
    expect(run.eventsConsumed).toBe(44);
    const byModel = new Map(run.result!.models.map((m) => [m.model, m]));
    expect(byModel.size).toBe(6);
    expect(byModel.get('two-meals-one-slot')).toMatchObject({ wouldRaise: 1, live: 1, inBoth: 1, onlyInShadow: [], onlyInLive: [] });
    expect(byModel.get('duplicate-subsidy')).toMatchObject({ wouldRaise: 1, live: 1, inBoth: 1, onlyInShadow: [], onlyInLive: [] });
    expect(byModel.get('unusual-flow')).toMatchObject({ wouldRaise: 1, live: 1, inBoth: 1, onlyInShadow: [], onlyInLive: [] });
    expect(warnings).toBe(3);
    for (const m of run.result!.models) expect(m.onlyInShadow).toEqual([]);
    // shadow: nothing written but the report
    expect([await count('risk_warnings'), await count('risk_cases'), await count('risk_meal_facts'), await count('outbox_events')]).toEqual([warnings, cases, facts, outbox]);
    const groups = (await h.dataSource.query(`SELECT DISTINCT consumer_group FROM processed_events`)) as { consumer_group: string }[];
    expect(groups.map((g) => g.consumer_group)).toEqual(['risk.models']);
  });

  it('tries other thresholds and a date range: the difference with live is listed', async () => {
    const run = await replay({ models: ['two-meals-one-slot', 'unusual-flow'], thresholds: { 'two-meals-one-slot': { maxMealsPerSlot: 2 }, 'unusual-flow': { canteenMinHistoryDays: 1, canteenMinVisitors: 30 } }, from: '2025-03-01', to: '2025-03-31' });
    expect(run.status).toBe('completed');
    const byModel = new Map(run.result!.models.map((m) => [m.model, m]));
    expect([...byModel.keys()]).toEqual(['two-meals-one-slot', 'unusual-flow']);
    expect(byModel.get('two-meals-one-slot')).toMatchObject({ wouldRaise: 0, live: 1, onlyInLive: [`two-meals:${h.fixture.diner.id}:2025-03-03:lunch`] });
    // 40 visitors on 03-10 against a history of 2 active days: the canteen half would fire with one day of history required
    expect(byModel.get('unusual-flow')!.onlyInShadow).toEqual([`unusual-flow:canteen:${h.fixture.canteenA.id}:2025-03-10`]);
  });

  it('refuses bad requests with a clear 4xx, and non-admins', async () => {
    const bad = await request(http()).post('/replays').set(auth()).send({ models: ['nope'] }).expect(404);
    expect(bad.body.code).toBe('RISK_MODEL_NOT_FOUND');
    const thresholds = await request(http()).post('/replays').set(auth()).send({ thresholds: { 'two-meals-one-slot': { maxMealsPerSlot: 0 } } }).expect(400);
    expect(thresholds.body.code).toBe('RISK_MODEL_THRESHOLDS_INVALID');
    const range = await request(http()).post('/replays').set(auth()).send({ from: '2025-03-31', to: '2025-03-01', extra: 1 }).expect(400);
    expect(range.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['extra', 'to']);
    await request(http()).post('/replays').set('Authorization', `Bearer ${h.tokens.inspectorCity}`).send({}).expect(403);
    await request(http()).get('/replays/00000000-0000-4000-8000-000000000000').set(auth()).expect(404);
    const list = await request(http()).get('/replays').set(auth()).expect(200);
    expect(list.body.length).toBe(2);
    expect(await count('risk_replay_runs')).toBe(2);
  });
});

describe('a replay over more history than it may keep in memory', () => {
  let h: RiskHarness;

  beforeAll(async () => {
    h = await createRiskHarness('riskreplaycap', { RISK_REPLAY_MAX_FACTS: '10' });
    await h.app.get(EventPublisher).publish(
      Topics.MealEvents,
      Array.from({ length: 30 }, (_, i) => fixtureMeal(h.fixture, { mealDate: '2025-03-10', slot: 'lunch', dinerId: `capped-${i}`, scannedAt: '2025-03-10T04:00:00.000Z' })),
    );
    await waitFor('the live consumer', async () => ((await h.dataSource.query(`SELECT count(*)::int AS n FROM processed_events`)) as { n: number }[])[0].n === 30);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('stops as failed with the reason at RISK_REPLAY_MAX_FACTS, reports no comparison, and leaves the service working', async () => {
    const run = await replayToEnd(h, {});
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/RISK_REPLAY_MAX_FACTS = 10\); it stopped after \d+ events/);
    expect(run.result).toBeNull();
    // it stopped at the 11th fact (a partition handled at the same moment may add one more event each), not at the end
    expect(run.eventsConsumed).toBeGreaterThanOrEqual(11);
    expect(run.eventsConsumed).toBeLessThan(30);
    // the live path goes on and the next replay may start
    await h.app.get(EventPublisher).publish(Topics.MealEvents, [fixtureMeal(h.fixture, { mealDate: '2025-03-11', slot: 'lunch', dinerId: 'capped-after', scannedAt: '2025-03-11T04:00:00.000Z' })]);
    await waitFor('the live consumer after the replay', async () => ((await h.dataSource.query(`SELECT count(*)::int AS n FROM processed_events`)) as { n: number }[])[0].n === 31);
    expect((await replayToEnd(h, {})).status).toBe('failed');
  });
});
