import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EVENT_TOPICS, EventEnvelope, EventType } from '@meal/contracts';
import { EventPublisher } from '@meal/kafka';
import { generateDemoCity, seedDemoCity } from '@meal/organisation';
import { INJECTION_KINDS, insertSimulationOrganisation, RISK_MODEL_KEYS, RiskMonthGenerator, scoreRiskMonth } from '@meal/simulation';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { RISK_CONSUMER_GROUP } from '../src/evaluation/risk-consumer.service';
import { bootRiskApp, deleteTestTopics, riskTestConfig, waitFor } from './risk-test-harness';

jest.setTimeout(600_000);

const SEED = 7;
const SCALE = 0.2;

/**
 * A generated month of the demo city (libs/simulation) with injected cases of every model, published day by day
 * through the real broker into the live risk consumer: every injected case is found (recall 100 %) and at most 1 %
 * of the warnings are false (precision ≥ 99 %), per model. The ground truth and the score are written to
 * .run/risk-month/ (git-ignored) for inspection.
 */
describe('a generated month through the real broker', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let prefix: string;

  beforeAll(async () => {
    db = await createTestDatabase('riskmonth');
    const setup = await riskTestConfig(db);
    prefix = setup.prefix;
    app = await bootRiskApp(setup.config);
  });

  afterAll(async () => {
    await app?.close();
    if (prefix) await deleteTestTopics(prefix);
    await db?.drop();
  });

  it('finds every injected case of every model, with at most 1 % false warnings per model', async () => {
    const dataSource = app.get<DataSource>(getDataSourceToken());
    await seedDemoCity(dataSource, { seed: SEED, scale: SCALE });
    const month = new RiskMonthGenerator(generateDemoCity(SEED, SCALE), { seed: 11, startDate: '2025-03-03', days: 28, dinersPerDay: 250, injectionRate: 0.002 });
    await insertSimulationOrganisation(dataSource, month.externalUnits);
    const truth = month.groundTruth();
    expect(new Set(truth.injections.map((i) => i.kind))).toEqual(new Set(INJECTION_KINDS));

    const publisher = app.get(EventPublisher);
    const processed = async (): Promise<number> =>
      ((await dataSource.query(`SELECT count(*)::int AS n FROM processed_events WHERE consumer_group = $1`, [RISK_CONSUMER_GROUP])) as { n: number }[])[0].n;
    let published = 0;
    for (const date of month.dates) {
      // one simulated day at a time, in time order, and the consumer catches up before the next (as live traffic would)
      const events = month.eventsOfDay(date);
      const byTopic = new Map<string, EventEnvelope[]>();
      for (const e of events) {
        const topic = EVENT_TOPICS[e.type as EventType];
        const list = byTopic.get(topic);
        if (list) list.push(e);
        else byTopic.set(topic, [e]);
      }
      for (const [topic, list] of byTopic) await publisher.publish(topic, list);
      published += events.length;
      await waitFor(`the events of ${date}`, async () => (await processed()) >= published, 60_000);
    }
    expect(published).toBeGreaterThan(5000);

    const raised = (await dataSource.query(`SELECT model_key AS "modelKey", dedupe_key AS "dedupeKey" FROM risk_warnings`)) as { modelKey: string; dedupeKey: string }[];
    const score = scoreRiskMonth(truth, raised);
    const out = join(__dirname, '..', '..', '..', '.run', 'risk-month');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'risk-month.ground-truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
    writeFileSync(join(out, 'risk-month.score.json'), `${JSON.stringify({ events: published, ...score }, null, 2)}\n`);

    expect(score.models.map((m) => m.model).sort()).toEqual([...RISK_MODEL_KEYS].sort());
    for (const m of score.models) {
      expect({ model: m.model, missed: m.missed }).toEqual({ model: m.model, missed: [] });
      expect(m.injected).toBeGreaterThan(0);
      expect(m.recall).toBe(1);
      expect({ model: m.model, precision: m.precision >= 0.99, unexpected: m.unexpected }).toEqual({ model: m.model, precision: true, unexpected: m.unexpected });
    }
    expect(score.total.precision).toBeGreaterThanOrEqual(0.99);
    // no case was opened for anything but a raised warning, and each warning belongs to one case
    const [{ orphans }] = (await dataSource.query(`SELECT count(*)::int AS orphans FROM risk_warnings WHERE case_id IS NULL`)) as { orphans: number }[];
    expect(orphans).toBe(0);
  });
});
