import { revertMigrations, runMigrations } from '@meal/database';
import { SettlementCloseService } from './settlement-close.service';
import { daysBetween } from './settlement-period';
import { SettlementRepository, StatementRecord } from './settlement.repository';
import { SettlementService } from './settlement.service';
import { createSettlementHarness, S_UNITS, SettlementHarness } from './testing/settlement-test-harness';

/**
 * The ledger's invariants on generated months of meals (inserted with SQL), with voids before and after close and
 * concurrent closes: every period's net positions sum to zero, the entries sum to zero, every unit-paid meal is in
 * exactly one statement (per side), a meal voided before close is in none, a closed period's numbers never change.
 */
describe('settlement ledger invariants (generated months, voids, concurrent closes)', () => {
  jest.setTimeout(240_000);
  let h: SettlementHarness;
  let closing: SettlementCloseService;
  let settlement: SettlementService;
  let repository: SettlementRepository;
  const closer = { id: null, name: '测试关账' };

  beforeAll(async () => {
    h = await createSettlementHarness({ label: 'settleledger' });
    closing = h.app.get(SettlementCloseService);
    settlement = h.app.get(SettlementService);
    repository = h.app.get(SettlementRepository);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Everything that must never change once a period is closed. */
  async function snapshot(monthStart: string): Promise<string> {
    const periods = await h.query(`SELECT * FROM settlement_periods WHERE month_start = $1 ORDER BY kind, period_start`, [monthStart]);
    const entries = await h.query(
      `SELECT e.period_id, e.book, e.posting, e.account_id, e.side, e.amount_fen, e.meal_count, e.created_at FROM settlement_ledger_entries e
       JOIN settlement_periods p ON p.id = e.period_id WHERE p.month_start = $1 ORDER BY e.period_id, e.book, e.account_id, e.posting, e.side`,
      [monthStart],
    );
    const statements = await h.query(
      `SELECT s.id, s.party_type, s.unit_id, s.region_code, s.payable_count, s.payable_fen, s.receivable_count, s.receivable_fen,
              s.reversal_payable_fen, s.reversal_receivable_fen, s.net_fen FROM settlement_statements s
       JOIN settlement_periods p ON p.id = s.period_id WHERE p.month_start = $1 ORDER BY s.id`,
      [monthStart],
    );
    const pairs = await h.query(`SELECT t.* FROM settlement_pair_totals t JOIN settlement_periods p ON p.id = t.period_id WHERE p.month_start = $1 ORDER BY 1, 2, 3`, [
      monthStart,
    ]);
    const excluded = await h.query(`SELECT e.* FROM settlement_excluded_meals e JOIN settlement_periods p ON p.id = e.period_id WHERE p.month_start = $1 ORDER BY 1`, [
      monthStart,
    ]);
    return JSON.stringify({ periods, entries, statements, pairs, excluded });
  }

  async function expectLedgerBalanced(): Promise<void> {
    const unbalanced = await h.query(`SELECT period_id, book, sum(amount_fen) AS s FROM settlement_ledger_entries GROUP BY 1, 2 HAVING sum(amount_fen) <> 0`);
    expect(unbalanced).toEqual([]);
    const clearing = await h.query(
      `SELECT e.period_id, e.book, sum(e.amount_fen) AS s FROM settlement_ledger_entries e JOIN settlement_accounts a ON a.id = e.account_id
       WHERE a.kind = 'clearing' GROUP BY 1, 2 HAVING sum(e.amount_fen) <> 0`,
    );
    expect(clearing).toEqual([]);
    const [total] = await h.query<{ s: string; n: string }>(`SELECT coalesce(sum(amount_fen), 0) AS s, count(*) AS n FROM settlement_ledger_entries`);
    expect(Number(total!.s)).toBe(0);
    expect(Number(total!.n)).toBeGreaterThan(0);
  }

  /**
   * The month's bilateral totals against the meals: each (payer unit, owner unit) pair's unit-paid meals of the month
   * not excluded at their day's close, and the unit-paid reversals posted in its days; when its days were closed on
   * their own, the month's rows are the sum of theirs.
   */
  async function expectPairTotalsExact(month: string, daysClosedOnTheirOwn: boolean): Promise<void> {
    const period = (await repository.findPeriod('month', `${month}-01`))!;
    const key = (r: Record<string, unknown>): string => `${String(r.payer)}>${String(r.owner)}`;
    const asMap = (rows: Record<string, unknown>[]): Map<string, string> =>
      new Map(rows.map((r) => [key(r), [r.meal_count, r.amount_fen, r.reversal_count, r.reversal_fen].map((v) => String(Number(v))).join('/')]));
    const fromMeals = await h.query<Record<string, unknown>>(
      `SELECT payer, owner, sum(meal_count) AS meal_count, sum(amount_fen) AS amount_fen, sum(reversal_count) AS reversal_count, sum(reversal_fen) AS reversal_fen
       FROM (
         SELECT m.diner_unit_id AS payer, m.canteen_owner_unit_id AS owner, 1 AS meal_count, m.price_fen AS amount_fen, 0 AS reversal_count, 0 AS reversal_fen
         FROM meals m WHERE m.payer = 'unit' AND m.meal_date BETWEEN $1 AND $2
           AND NOT EXISTS (SELECT 1 FROM settlement_excluded_meals e WHERE e.meal_id = m.id)
         UNION ALL
         SELECT r.payer_unit_id, r.owner_unit_id, 0, 0, 1, r.amount_fen FROM settlement_reversals r
         JOIN settlement_periods p ON p.id = r.period_id WHERE r.payer = 'unit' AND p.kind = 'day' AND p.month_start = $3
       ) x GROUP BY payer, owner`,
      [period.periodStart, period.periodEnd, period.monthStart],
    );
    const monthRows = await h.query<Record<string, unknown>>(
      `SELECT payer_unit_id AS payer, owner_unit_id AS owner, meal_count, amount_fen, reversal_count, reversal_fen FROM settlement_pair_totals WHERE period_id = $1`,
      [period.id],
    );
    const daySums = await h.query<Record<string, unknown>>(
      `SELECT t.payer_unit_id AS payer, t.owner_unit_id AS owner, sum(t.meal_count) AS meal_count, sum(t.amount_fen) AS amount_fen,
              sum(t.reversal_count) AS reversal_count, sum(t.reversal_fen) AS reversal_fen
       FROM settlement_pair_totals t JOIN settlement_periods p ON p.id = t.period_id WHERE p.kind = 'day' AND p.month_start = $1
       GROUP BY 1, 2`,
      [period.monthStart],
    );
    expect(fromMeals.length).toBeGreaterThan(10);
    expect(asMap(monthRows)).toEqual(asMap(fromMeals));
    if (daysClosedOnTheirOwn) expect(asMap(daySums)).toEqual(asMap(fromMeals));
    else expect(asMap(daySums)).not.toEqual(asMap(fromMeals));
  }

  /** Every statement's lines against the meals: each unit-paid meal once per side, voided-before-close in none, totals = lines. */
  async function expectStatementsExact(month: string): Promise<void> {
    const period = await repository.findPeriod('month', `${month}-01`);
    expect(period).not.toBeNull();
    const { items: statements } = await repository.listStatements({ monthStart: `${month}-01` }, 0, 1000);
    expect(statements.length).toBe(period!.statementCount);
    // Sum of net positions = 0, per level.
    for (const type of ['unit', 'region'] as const) {
      expect(statements.filter((s) => s.partyType === type).reduce((a, s) => a + s.netFen, 0)).toBe(0);
    }
    const expected = await h.query<{ id: string; price_fen: number }>(
      `SELECT m.id, m.price_fen FROM meals m WHERE m.payer = 'unit' AND m.meal_date BETWEEN $1 AND $2
         AND NOT EXISTS (SELECT 1 FROM settlement_excluded_meals e WHERE e.meal_id = m.id)`,
      [period!.periodStart, period!.periodEnd],
    );
    expect(expected.length).toBe(period!.unitPaidCount);
    expect(expected.reduce((a, m) => a + m.price_fen, 0)).toBe(period!.unitPaidFen);
    const excluded = await h.query<{ meal_id: string }>(
      `SELECT e.meal_id FROM settlement_excluded_meals e JOIN meals m ON m.id = e.meal_id WHERE m.payer = 'unit' AND e.meal_date BETWEEN $1 AND $2`,
      [period!.periodStart, period!.periodEnd],
    );
    const reversed = await h.query<{ meal_id: string }>(
      `SELECT r.meal_id FROM settlement_reversals r JOIN settlement_periods p ON p.id = r.period_id WHERE r.payer = 'unit' AND p.month_start = $1`,
      [period!.monthStart],
    );
    for (const type of ['unit', 'region'] as const) {
      const seen = new Map<string, number>();
      for (const statement of statements.filter((s) => s.partyType === type)) {
        const totals = { payable: [0, 0], receivable: [0, 0], revPayable: [0, 0], revReceivable: [0, 0] };
        for await (const line of settlement.allLines(statement as StatementRecord)) {
          const key = `${line.kind}:${line.direction}:${line.mealId}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          const bucket = line.kind === 'meal' ? totals[line.direction] : line.direction === 'payable' ? totals.revPayable : totals.revReceivable;
          bucket[0] += 1;
          bucket[1] += Math.abs(line.amountFen);
        }
        expect(totals.payable).toEqual([statement.payableCount, statement.payableFen]);
        expect(totals.receivable).toEqual([statement.receivableCount, statement.receivableFen]);
        expect(totals.revPayable).toEqual([statement.reversalPayableCount, statement.reversalPayableFen]);
        expect(totals.revReceivable).toEqual([statement.reversalReceivableCount, statement.reversalReceivableFen]);
      }
      // exactly once on each side, for every expected meal; nothing else
      for (const meal of expected) {
        expect([seen.get(`meal:payable:${meal.id}`), seen.get(`meal:receivable:${meal.id}`)]).toEqual([1, 1]);
      }
      const mealKeys = [...seen.keys()].filter((k) => k.startsWith('meal:'));
      expect(mealKeys.length).toBe(expected.length * 2);
      for (const { meal_id } of excluded) {
        expect(seen.has(`meal:payable:${meal_id}`) || seen.has(`meal:receivable:${meal_id}`)).toBe(false);
      }
      for (const { meal_id } of reversed) {
        expect([seen.get(`reversal:payable:${meal_id}`), seen.get(`reversal:receivable:${meal_id}`)]).toEqual([1, 1]);
      }
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    }
  }

  it('closes days and months of generated meals: balanced, exact, frozen, idempotent under concurrency', async () => {
    const novMeals = await h.generateMeals('2025-11-01', '2025-11-30', 30, 11);
    const decMeals = await h.generateMeals('2025-12-01', '2025-12-31', 30, 12);
    expect(novMeals).toBe(30 * 3 * 30);
    expect(decMeals).toBe(31 * 3 * 30);
    const [{ n: unitPaid }] = (await h.query<{ n: number }>(`SELECT count(*)::int AS n FROM meals WHERE payer = 'unit'`)) as [{ n: number }];
    expect(unitPaid).toBeGreaterThan(1000);

    // voided before any close: in no period
    const voidedEarly = await h.voidMeals('2025-11-01', '2025-11-30', 40, 1, 'unit');
    await h.voidMeals('2025-11-01', '2025-11-30', 10, 2, 'self');

    // the first ten days, one by one; 11-05 four times at once
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => closing.close('2025-11-05', closer)));
    expect(concurrent.filter((r) => !r.alreadyClosed)).toHaveLength(1);
    expect(new Set(concurrent.map((r) => r.period.id)).size).toBe(1);
    for (const day of daysBetween('2025-11-01', '2025-11-10')) await closing.close(day, closer);
    const again = await closing.close('2025-11-03', closer);
    expect(again.alreadyClosed).toBe(true);
    await expectLedgerBalanced();
    const [{ n: excludedCount }] = (await h.query<{ n: number }>(`SELECT count(*)::int AS n FROM settlement_excluded_meals`)) as [{ n: number }];
    const [{ n: voidedFirstTen }] = (await h.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM meals WHERE status = 'voided' AND meal_date BETWEEN '2025-11-01' AND '2025-11-10'`,
    )) as [{ n: number }];
    expect(excludedCount).toBe(voidedFirstTen);

    const daysBefore = await h.query(`SELECT * FROM settlement_periods WHERE kind = 'day' ORDER BY period_start`);
    // voided after their day closed: they stay in that day and are reversed once, in the next day closed
    const voidedLate = await h.voidMeals('2025-11-01', '2025-11-10', 15, 3, 'unit');
    const voidedLateSelf = await h.voidMeals('2025-11-01', '2025-11-10', 5, 4, 'self');
    // a closed day refuses new, changed or removed meals
    await expect(
      h.query(
        `INSERT INTO meals (id, diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date, slot, price_fen, payer, is_visitor, purpose,
           scanned_at, scan_latitude, scan_longitude, distance_m, within_geofence, code_version, idempotency_key, request_hash)
         SELECT gen_random_uuid(), diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date, 'lunch', 100, 'unit', true, 'official',
           scanned_at, 0, 0, 0, true, 1, 'late-insert-1', 'h' FROM meals WHERE meal_date = '2025-11-02' AND slot = 'breakfast' LIMIT 1`,
      ),
    ).rejects.toThrow(/settlement day .*closed/);
    await expect(h.query(`UPDATE meals SET price_fen = price_fen + 1 WHERE meal_date = '2025-11-02'`)).rejects.toThrow(/closed/);
    await expect(h.query(`DELETE FROM meals WHERE meal_date = '2025-11-02'`)).rejects.toThrow(/closed/);
    await expect(h.query(`UPDATE settlement_ledger_entries SET amount_fen = 0`)).rejects.toThrow(/append-only/);
    await expect(h.query(`DELETE FROM settlement_periods`)).rejects.toThrow(/append-only/);
    expect(await h.query(`SELECT * FROM settlement_periods WHERE kind = 'day' ORDER BY period_start`)).toEqual(daysBefore);

    // the month, three times at once: closes days 11..30 and draws up the statements exactly once
    const months = await Promise.all([1, 2, 3].map(() => closing.close('2025-11', closer)));
    expect(months.filter((r) => !r.alreadyClosed)).toHaveLength(1);
    const novClose = months.find((r) => !r.alreadyClosed)!;
    expect(novClose.daysClosed).toEqual(daysBetween('2025-11-11', '2025-11-30'));
    await expectLedgerBalanced();
    const reversals = await h.query<{ meal_id: string; period_start: string; original: string }>(
      `SELECT r.meal_id, p.period_start::text AS period_start, o.period_start::text AS original FROM settlement_reversals r
       JOIN settlement_periods p ON p.id = r.period_id JOIN settlement_periods o ON o.id = r.original_period_id ORDER BY r.meal_id`,
    );
    expect(reversals.map((r) => r.meal_id).sort()).toEqual([...voidedLate, ...voidedLateSelf].sort());
    // the next day closed after the void is 11-11 (the first day of the month's batch)
    expect(new Set(reversals.map((r) => r.period_start))).toEqual(new Set(['2025-11-11']));
    expect(reversals.every((r) => r.original < r.period_start)).toBe(true);
    await expectStatementsExact('2025-11');
    await expectPairTotalsExact('2025-11', false);
    for (const id of voidedEarly) {
      expect(await h.query(`SELECT 1 FROM settlement_excluded_meals WHERE meal_id = $1`, [id])).toHaveLength(1);
    }
    const month = novClose.period;
    expect(month.unitNetTransfers).toBeGreaterThan(0);
    expect(month.unitBilateralPairs).toBeGreaterThanOrEqual(month.unitNetTransfers);
    expect(month.districtBilateralPairs).toBe(3); // 市本级, 柯城区, 衢江区: every pair trades
    expect(month.statementCount).toBe(S_UNITS.length + 3); // every unit's staff eat (the clearing company's too); 3 districts

    const frozenNov = await snapshot('2025-11-01');
    // after the month close: a November void lands in December; December's own voids before its close are excluded
    const lateNov = await h.voidMeals('2025-11-12', '2025-11-30', 7, 5, 'unit');
    await h.voidMeals('2025-12-01', '2025-12-31', 12, 6);
    // December's days close nightly, one by one; the month then only rolls them up (no day left open)
    for (const day of daysBetween('2025-12-01', '2025-12-31')) await closing.close(day, closer);
    const dec = await closing.close('2025-12', closer);
    expect(dec.alreadyClosed).toBe(false);
    expect(dec.daysClosed).toEqual([]);
    expect(dec.period.reversalCount).toBe(7);
    const landed = await h.query<{ period_start: string }>(
      `SELECT p.period_start::text AS period_start FROM settlement_reversals r JOIN settlement_periods p ON p.id = r.period_id WHERE r.meal_id = ANY($1::uuid[])`,
      [lateNov],
    );
    expect(landed.map((r) => r.period_start)).toEqual(Array(7).fill('2025-12-01'));
    await expectLedgerBalanced();
    await expectStatementsExact('2025-12');
    await expectPairTotalsExact('2025-12', true);
    // November never changed
    expect(await snapshot('2025-11-01')).toBe(frozenNov);
    // and closing it again changes nothing either
    expect((await closing.close('2025-11', closer)).alreadyClosed).toBe(true);
    expect(await snapshot('2025-11-01')).toBe(frozenNov);

    // unit nets of a day from the ledger sum to zero; district nets too
    const day11 = (await repository.findPeriod('day', '2025-11-11'))!;
    for (const level of ['unit', 'region'] as const) {
      const nets = await repository.dayNets(day11.id, level);
      expect(nets.reduce((a, n) => a + n.netFen, 0)).toBe(0);
      expect(nets.length).toBeGreaterThan(0);
    }

    // one period.closed event per day and per month in the outbox
    const [{ n: closedEvents }] = (await h.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE envelope->>'type' = 'settlement.period-closed'`)) as [
      { n: number },
    ];
    expect(closedEvents).toBe(30 + 31 + 2);

    // Days closed before migration 1763901100000 had no pair totals of their own: its backfill, from what each close
    // froze (excluded meals, reversals), writes exactly the rows the day closes wrote, and rows for the days November's
    // month close closed itself that add up to November's.
    const dayPairs = `SELECT t.* FROM settlement_pair_totals t JOIN settlement_periods p ON p.id = t.period_id WHERE p.kind = 'day' ORDER BY 1, 2, 3`;
    const written = await h.query<{ period_id: string }>(dayPairs);
    const writtenPeriods = new Set(written.map((r) => r.period_id));
    expect(writtenPeriods.size).toBe(10 + 31);
    await revertMigrations(h.db.url, 1);
    expect(await h.query(dayPairs)).toEqual([]);
    expect(await runMigrations(h.db.url)).toEqual(['SettlementDayPairTotals1763901100000']);
    const backfilled = await h.query<{ period_id: string }>(dayPairs);
    expect(backfilled.filter((r) => writtenPeriods.has(r.period_id))).toEqual(written);
    expect(new Set(backfilled.map((r) => r.period_id)).size).toBe(30 + 31);
    await expectPairTotalsExact('2025-11', true);
  });
});
