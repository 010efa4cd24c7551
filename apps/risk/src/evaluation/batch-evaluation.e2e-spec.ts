import { randomUUID } from 'node:crypto';
import { ParsedEvent } from '@meal/contracts';
import { sampleMealVoided } from '@meal/contracts/event-samples';
import { createRiskHarness, fixtureMeal, RiskHarness } from '../../test/risk-test-harness';
import { EvaluationService } from './evaluation.service';

interface WarningRow {
  dedupeKey: string;
  triggerEventId: string;
  evidence: { ref: string }[];
}

/**
 * The live path's batch handling (prefetched facts, the scans of a batch written in one statement) against the real
 * database: within one batch each event is still evaluated against the facts of the events before it only, so a
 * warning's trigger and evidence are what one-by-one handling gives.
 */
describe('EvaluationService.handleBatch (one transaction per batch)', () => {
  let h: RiskHarness;
  let evaluation: EvaluationService;

  beforeAll(async () => {
    h = await createRiskHarness('risk_batch_eval');
    evaluation = h.app.get(EvaluationService);
  });

  afterAll(async () => {
    await h?.close();
  });

  const handle = (events: ParsedEvent[]) => h.dataSource.transaction((manager) => evaluation.handleBatch(events, manager));
  const warnings = (dedupeKeyPrefix: string): Promise<WarningRow[]> =>
    h.dataSource.query(
      `SELECT dedupe_key AS "dedupeKey", trigger_event_id AS "triggerEventId", evidence FROM risk_warnings WHERE dedupe_key LIKE $1 ORDER BY dedupe_key`,
      [`${dedupeKeyPrefix}%`],
    );

  it('raises two meals in one slot on the second scan of the batch, with both meals and not a later one', async () => {
    const { fixture } = h;
    const first = fixtureMeal(fixture, { mealDate: '2025-05-06', scannedAt: '2025-05-06T04:00:00.000Z' });
    const other = fixtureMeal(fixture, { dinerId: randomUUID(), mealDate: '2025-05-06', scannedAt: '2025-05-06T04:05:00.000Z' });
    const second = fixtureMeal(fixture, { mealDate: '2025-05-06', scannedAt: '2025-05-06T04:20:00.000Z' });
    const third = fixtureMeal(fixture, { mealDate: '2025-05-06', scannedAt: '2025-05-06T04:40:00.000Z' });

    const raised = await handle([first, other, second, third]);

    const key = `two-meals:${fixture.diner.id}:2025-05-06:lunch`;
    expect(raised.map((w) => w.dedupeKey)).toEqual([key]);
    const [warning] = await warnings(key);
    expect(warning.triggerEventId).toBe(second.eventId);
    expect(warning.evidence.map((e) => e.ref)).toEqual([first.payload.mealId, second.payload.mealId]);
    const [{ n }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM risk_meal_facts WHERE meal_date = '2025-05-06'`)) as { n: number }[];
    expect(n).toBe(4);
  });

  it('raises a unit pair surge on the scan that crosses the threshold, with the evidence of that moment', async () => {
    const { fixture } = h;
    // staff of unit A at unit B's canteen: minCount 10 by default, no history → the 11th visit fires
    const visits = Array.from({ length: 13 }, (_, i) =>
      fixtureMeal(fixture, { dinerId: randomUUID(), mealDate: '2025-05-08', scannedAt: `2025-05-08T04:${String(10 + i).padStart(2, '0')}:00.000Z` }),
    );

    const raised = await handle(visits);

    const key = `unusual-flow:pair:${fixture.unitA.id}:${fixture.canteenA.ownerUnitId}:2025-05-08`;
    expect(raised.map((w) => w.dedupeKey)).toEqual([key]);
    const [warning] = await warnings(key);
    expect(warning.triggerEventId).toBe(visits[10].eventId);
    expect(warning.evidence.map((e) => e.ref)).toEqual(visits.slice(0, 11).map((v) => v.payload.mealId));
  });

  it('counts a re-sent scan (same meal, new event) once, in a later batch', async () => {
    const { fixture } = h;
    const date = '2025-05-12';
    const visits = Array.from({ length: 10 }, (_, i) =>
      fixtureMeal(fixture, { dinerId: randomUUID(), mealDate: date, scannedAt: `2025-05-12T04:${String(10 + i).padStart(2, '0')}:00.000Z` }),
    );
    await handle(visits);
    // the 10 stored visits again under new event ids: still 10 visits, no surge
    const resent = visits.map((v) => fixtureMeal(fixture, v.payload));
    expect(await handle(resent)).toEqual([]);
    // one more visit makes 11 (> minCount 10): it is the trigger
    const eleventh = fixtureMeal(fixture, { dinerId: randomUUID(), mealDate: date, scannedAt: '2025-05-12T05:00:00.000Z' });
    const raised = await handle([fixtureMeal(fixture, visits[0].payload), eleventh]);
    const key = `unusual-flow:pair:${fixture.unitA.id}:${fixture.canteenA.ownerUnitId}:${date}`;
    expect(raised.map((w) => w.dedupeKey)).toEqual([key]);
    const [warning] = await warnings(key);
    expect(warning.triggerEventId).toBe(eleventh.eventId);
    expect(warning.evidence).toHaveLength(11);
  });

  it('applies a void that comes before its scan in the same batch (no geofence warning), and still raises for other scans', async () => {
    const { fixture } = h;
    const outside = { mealDate: '2025-05-14', withinGeofence: false, distanceMeters: 5000 };
    const voidedScan = fixtureMeal(fixture, { ...outside, dinerId: randomUUID(), scannedAt: '2025-05-14T04:00:00.000Z' });
    const voidFirst = sampleMealVoided({ mealId: voidedScan.payload.mealId, dinerId: voidedScan.payload.dinerId, voidedAt: '2025-05-14T04:01:00.000Z' });
    const liveScan = fixtureMeal(fixture, { ...outside, dinerId: randomUUID(), scannedAt: '2025-05-14T04:02:00.000Z' });

    const raised = await handle([voidFirst, voidedScan, liveScan]);

    expect(raised.map((w) => w.dedupeKey)).toEqual([`proxy-scan:geofence:${liveScan.payload.mealId}`]);
    expect(raised[0].triggerEventId).toBe(liveScan.eventId);
    const [stored] = (await h.dataSource.query(`SELECT voided_at IS NOT NULL AS voided FROM risk_meal_facts WHERE meal_id = $1`, [voidedScan.payload.mealId])) as {
      voided: boolean;
    }[];
    expect(stored.voided).toBe(true);
  });
});
