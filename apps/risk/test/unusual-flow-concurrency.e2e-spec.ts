import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EvaluationService } from '../src/evaluation/evaluation.service';
import { createRiskHarness, fixtureMeal, RiskHarness } from './risk-test-harness';

jest.setTimeout(120_000);

/**
 * A canteen-wide visitor surge split across two partitions' batches that run at the same time (real PostgreSQL):
 * each batch alone stays under the threshold, together they are over it. The batch that commits second must see the
 * first one's meals and raise the warning — it cannot if both count at once (a transaction does not see the other's
 * uncommitted rows), which is what the canteen-day lock of a meal prevents.
 */
describe('unusual flow under concurrent batches', () => {
  let h: RiskHarness;
  beforeAll(async () => {
    h = await createRiskHarness('riskrace');
  });
  afterAll(() => h?.close());

  // visitors (canteen A belongs to unit B) from many units, a few each: no unit pair surges, only the canteen does
  const visitorUnits = Array.from({ length: 10 }, () => randomUUID());
  let serial = 0;
  const visitorMeal = (date: string) =>
    fixtureMeal(h.fixture, {
      mealId: randomUUID(),
      dinerId: randomUUID(),
      dinerUnitId: visitorUnits[(serial += 1) % visitorUnits.length],
      dinerRegionCode: '330803',
      mealDate: date,
      scannedAt: `${date}T04:10:00.000Z`,
    });

  it('two concurrent halves of a surge raise it once', async () => {
    const evaluation = h.app.get(EvaluationService);
    // history: six active days with two visitor meals each (baseline 2/day → threshold max(30, 6) = 30)
    for (let day = 1; day <= 6; day += 1) {
      const date = `2025-03-0${day}`;
      await h.dataSource.transaction((m) => evaluation.handleBatch([visitorMeal(date), visitorMeal(date)], m));
    }
    const date = '2025-03-10';
    const half = (): ReturnType<typeof visitorMeal>[] => Array.from({ length: 20 }, () => visitorMeal(date));

    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstDone = false;
    const first = h.dataSource.transaction(async (m: EntityManager) => {
      const raised = await evaluation.handleBatch(half(), m);
      await firstMayCommit; // hold the first batch's transaction open while the second one starts
      firstDone = true;
      return raised;
    });
    await new Promise((r) => setTimeout(r, 500));
    const second = h.dataSource.transaction(async (m: EntityManager) => {
      const raised = await evaluation.handleBatch(half(), m);
      // the second batch could only get here after the first committed: it waited on the canteen's day
      expect(firstDone).toBe(true);
      return raised;
    });
    await new Promise((r) => setTimeout(r, 1000));
    releaseFirst();
    const [a, b] = await Promise.all([first, second]);

    const surge = `unusual-flow:canteen:${h.fixture.canteenA.id}:${date}`;
    expect(a.filter((w) => w.dedupeKey === surge)).toHaveLength(0); // 20 visitors alone: under the threshold
    expect(b.filter((w) => w.dedupeKey === surge)).toHaveLength(1); // 40 once the first half is visible
    const rows = (await h.dataSource.query(`SELECT count(*)::int AS n FROM risk_warnings WHERE dedupe_key = $1`, [surge])) as { n: number }[];
    expect(rows[0]!.n).toBe(1);
  });
});
