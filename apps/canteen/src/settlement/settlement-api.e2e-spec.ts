import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import request from 'supertest';
import { ParsedEvent, Topics } from '@meal/contracts';
import { EventConsumerRegistry } from '@meal/kafka';
import { testKafkaClientConfig, testKafkaConfig } from '@meal/testing';
import { createSettlementHarness, S_UNITS, SettlementHarness } from './testing/settlement-test-harness';

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The settlement HTTP API: close, nets, statements (lines, CSV, print), approval flow, scope, bad input, events to Kafka. */
describe('settlement API', () => {
  jest.setTimeout(180_000);
  const prefix = `t-${randomBytes(4).toString('hex')}.`;
  let h: SettlementHarness;
  let http: ReturnType<typeof request>;
  const received: ParsedEvent[] = [];
  const auth = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

  beforeAll(async () => {
    h = await createSettlementHarness({ label: 'settleapi', config: testKafkaConfig(prefix) });
    http = request(h.app.getHttpServer());
    const handle = await h.app.get(EventConsumerRegistry).subscribe({
      groupId: 'test.settlement-events',
      topics: [Topics.SettlementEvents],
      fromBeginning: true,
      dedupe: true,
      handler: async (event) => void received.push(event),
    });
    await handle.ready;
    await h.generateMeals('2025-11-01', '2025-11-30', 12, 21);
    await h.generateMeals('2025-12-01', '2025-12-02', 12, 22);
    await h.voidMeals('2025-11-01', '2025-11-30', 6, 23, 'unit');
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

  const counts = async (): Promise<{ periods: number; outbox: number; entries: number; statements: string }> => {
    const [row] = await h.query<{ periods: number; outbox: number; entries: number }>(
      `SELECT (SELECT count(*)::int FROM settlement_periods) AS periods, (SELECT count(*)::int FROM outbox_events) AS outbox,
              (SELECT count(*)::int FROM settlement_ledger_entries) AS entries`,
    );
    const statements = await h.query(`SELECT id, status, approved_at, paid_at, confirmed_at FROM settlement_statements ORDER BY id`);
    return { ...row!, statements: JSON.stringify(statements) };
  };

  it('refuses bad closes with a clear 4xx and changes nothing', async () => {
    const before = await counts();
    const cases: [string, string, number, string][] = [
      ['2025-02-30', h.tokens.clearing, 404, 'SETTLEMENT_PERIOD_NOT_FOUND'],
      ['2025-13', h.tokens.clearing, 404, 'SETTLEMENT_PERIOD_NOT_FOUND'],
      ['last-month', h.tokens.clearing, 404, 'SETTLEMENT_PERIOD_NOT_FOUND'],
      ['2026-01-15', h.tokens.clearing, 422, 'SETTLEMENT_PERIOD_NOT_OVER'], // today (clock: 2026-01-15 10:00 Shanghai)
      ['2026-01', h.tokens.clearing, 422, 'SETTLEMENT_PERIOD_NOT_OVER'], // the current month
      ['2026-03-01', h.tokens.clearing, 422, 'SETTLEMENT_PERIOD_NOT_OVER'], // the future
      ['2025-11', h.tokens.kecheng, 403, 'SETTLEMENT_CLEARING_ROLE_REQUIRED'], // a district finance officer
      ['2025-11', h.tokens.admin, 403, 'ROLE_NOT_ALLOWED'],
      ['2025-11', h.tokens.diner, 403, 'ROLE_NOT_ALLOWED'],
    ];
    for (const [key, token, status, code] of cases) {
      const res = await http.post(`/settlement/periods/${key}/close`).set(...auth(token));
      expect({ key, status: res.status, code: res.body.code }).toEqual({ key, status, code });
      expect(res.body.message).toEqual(expect.any(String));
    }
    await http.post('/settlement/periods/2025-11/close').expect(401);
    expect(await counts()).toEqual(before);
    // nets of a period not closed yet
    expect((await http.get('/settlement/periods/2025-11/nets').set(...auth(h.tokens.clearing))).body.code).toBe('SETTLEMENT_PERIOD_NOT_CLOSED');
  });

  it('closes the month once (idempotent), shows periods and nets netted to zero, within scope', async () => {
    const overviewBefore = await http.get('/settlement/periods?month=2025-11').set(...auth(h.tokens.clearing)).expect(200);
    expect(overviewBefore.body.month).toMatchObject({ key: '2025-11', closed: false, closable: true });
    expect(overviewBefore.body.days).toHaveLength(30);
    expect(overviewBefore.body.month.openUnitPaidCount).toBeGreaterThan(0);

    const first = await http.post('/settlement/periods/2025-11/close').set(...auth(h.tokens.clearing)).expect(200);
    expect(first.body).toMatchObject({ alreadyClosed: false, period: { kind: 'month', key: '2025-11', closedByName: '钱结算' } });
    expect(first.body.daysClosed).toHaveLength(30);
    expect(first.body.period.unitPaidCount).toBe(overviewBefore.body.month.openUnitPaidCount);
    expect(first.body.period.unitPaidFen).toBe(overviewBefore.body.month.openUnitPaidFen);
    const before = await counts();
    const second = await http.post('/settlement/periods/2025-11/close').set(...auth(h.tokens.clearing)).expect(200);
    expect(second.body).toMatchObject({ alreadyClosed: true, daysClosed: [], period: first.body.period });
    const day = await http.post('/settlement/periods/2025-11-07/close').set(...auth(h.tokens.clearing)).expect(200);
    expect(day.body.alreadyClosed).toBe(true);
    expect(await counts()).toEqual(before);

    const overview = await http.get('/settlement/periods?month=2025-11').set(...auth(h.tokens.kecheng)).expect(200);
    expect(overview.body.days.every((d: { closed: boolean }) => d.closed)).toBe(true);

    const districts = await http.get('/settlement/periods/2025-11/nets?level=region').set(...auth(h.tokens.clearing)).expect(200);
    expect(districts.body.positions.map((p: { partyId: string }) => p.partyId).sort()).toEqual(['330800', '330802', '330803']);
    expect(districts.body.sumOfNetFen).toBe(0);
    expect(districts.body.transfersSaved).toBe(districts.body.bilateralPairs - districts.body.netTransfers);
    const units = await http.get('/settlement/periods/2025-11/nets?level=unit').set(...auth(h.tokens.clearing)).expect(200);
    expect(units.body.sumOfNetFen).toBe(0);
    expect(units.body.positions).toHaveLength(S_UNITS.length);
    expect(units.body.bilateralPairs).toBeGreaterThan(units.body.netTransfers);
    const dayNets = await http.get('/settlement/periods/2025-11-07/nets?level=unit').set(...auth(h.tokens.clearing)).expect(200);
    expect(dayNets.body.sumOfNetFen).toBe(0);
    // a district officer sees the nets of its own district only
    const mine = await http.get('/settlement/periods/2025-11/nets?level=unit').set(...auth(h.tokens.kecheng)).expect(200);
    expect(mine.body.positions.every((p: { regionCode: string }) => p.regionCode.startsWith('330802'))).toBe(true);
    expect(mine.body.positions).toHaveLength(3);
  });

  it('lists statements in scope; detail, lines, CSV and the printable page; out of scope is 403', async () => {
    const all = await http.get('/settlement/statements?month=2025-11&pageSize=50').set(...auth(h.tokens.clearing)).expect(200);
    expect(all.body.total).toBe(S_UNITS.length + 3);
    const kecheng = await http.get('/settlement/statements?month=2025-11').set(...auth(h.tokens.kecheng)).expect(200);
    expect(kecheng.body.items.map((s: { partyName: string }) => s.partyName).sort()).toEqual(['柯城区', '柯城区人民政府办公室', '柯城区财政局', '石梁镇人民政府'].sort());

    const qujiangUnit = all.body.items.find((s: { unitId: string }) => s.unitId === S_UNITS[6]!.id);
    for (const path of ['', '/lines', '/lines.csv', '/print']) {
      const res = await http.get(`/settlement/statements/${qujiangUnit.id}${path}`).set(...auth(h.tokens.kecheng));
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'SETTLEMENT_SCOPE_VIOLATION' });
    }
    await http.get(`/settlement/statements/${qujiangUnit.id}`).set(...auth(h.tokens.qujiang)).expect(200);
    expect((await http.get('/settlement/statements/00000000-0000-4000-8000-000000000000').set(...auth(h.tokens.clearing))).body.code).toBe(
      'SETTLEMENT_STATEMENT_NOT_FOUND',
    );
    expect((await http.get('/settlement/statements/not-a-uuid').set(...auth(h.tokens.clearing))).status).toBe(400);
    expect((await http.get('/settlement/statements?month=2025-1').set(...auth(h.tokens.clearing))).status).toBe(400);

    const detail = await http.get(`/settlement/statements/${qujiangUnit.id}`).set(...auth(h.tokens.clearing)).expect(200);
    const s = detail.body.statement;
    expect(s.netFen).toBe(s.receivableFen - s.payableFen + s.reversalPayableFen - s.reversalReceivableFen);
    const payable = detail.body.counterparties.filter((c: { direction: string }) => c.direction === 'payable');
    expect(payable.reduce((a: number, c: { amountFen: number }) => a + c.amountFen, 0)).toBe(s.payableFen);

    const lines = await http.get(`/settlement/statements/${qujiangUnit.id}/lines?pageSize=200`).set(...auth(h.tokens.clearing)).expect(200);
    expect(lines.body.total).toBe(s.payableCount + s.receivableCount);
    expect(lines.body.items[0]).toMatchObject({ kind: 'meal', mealId: expect.any(String), dinerName: expect.any(String), canteenName: expect.any(String) });
    const linePayable = lines.body.items.filter((l: { direction: string }) => l.direction === 'payable');
    if (lines.body.total <= 200) expect(linePayable.reduce((a: number, l: { amountFen: number }) => a + l.amountFen, 0)).toBe(s.payableFen);

    const csv = await http.get(`/settlement/statements/${qujiangUnit.id}/lines.csv`).set(...auth(h.tokens.clearing)).buffer(true).parse((res, cb) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => cb(null, data));
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const text = csv.body as string;
    expect(text.startsWith('\uFEFF结算单,')).toBe(true);
    const rows = text.split('\r\n').filter((r) => r.startsWith('就餐,') || r.startsWith('冲正,'));
    expect(rows).toHaveLength(s.payableCount + s.receivableCount + s.reversalPayableCount + s.reversalReceivableCount);
    const total = rows.filter((r) => r.startsWith('就餐,应付,')).reduce((a, r) => a + Math.round(Number(r.split(',')[11]) * 100), 0);
    expect(total).toBe(s.payableFen);

    const print = await http.get(`/settlement/statements/${qujiangUnit.id}/print`).set(...auth(h.tokens.clearing)).expect(200);
    expect(print.headers['content-type']).toContain('text/html');
    expect(print.text).toContain('公务餐跨区域结算单');
    expect(print.text).toContain('衢江区卫生健康局');
    expect(print.text).not.toContain('<script');
  });

  it('runs the approval flow with who and when; approving twice, without the role or out of order is refused', async () => {
    const list = await http.get('/settlement/statements?month=2025-11&partyType=unit').set(...auth(h.tokens.clearing)).expect(200);
    const target = list.body.items.find((s: { unitId: string }) => s.unitId === S_UNITS[3]!.id); // 柯城区人民政府办公室
    const other = list.body.items.find((s: { unitId: string }) => s.unitId === S_UNITS[4]!.id);
    const approveEvents = async (): Promise<number> =>
      Number((await h.query<{ n: string }>(`SELECT count(*) AS n FROM outbox_events WHERE envelope->>'type' = 'settlement.statement-approved'`))[0]!.n);

    const before = await counts();
    for (const [token, status, code] of [
      [h.tokens.kecheng, 403, 'SETTLEMENT_CLEARING_ROLE_REQUIRED'],
      [h.tokens.diner, 403, 'ROLE_NOT_ALLOWED'],
      [h.tokens.admin, 403, 'ROLE_NOT_ALLOWED'],
    ] as const) {
      const res = await http.post(`/settlement/statements/${target.id}/approve`).set(...auth(token));
      expect([res.status, res.body.code]).toEqual([status, code]);
    }
    const early = await http.post(`/settlement/statements/${target.id}/confirm`).set(...auth(h.tokens.kecheng));
    expect([early.status, early.body.code]).toEqual([409, 'SETTLEMENT_STATEMENT_ILLEGAL_TRANSITION']);
    const payEarly = await http.post(`/settlement/statements/${target.id}/pay`).set(...auth(h.tokens.clearing));
    expect([payEarly.status, payEarly.body.code]).toEqual([409, 'SETTLEMENT_STATEMENT_ILLEGAL_TRANSITION']);
    expect(await counts()).toEqual(before);

    const approved = await http.post(`/settlement/statements/${target.id}/approve`).set(...auth(h.tokens.clearing)).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedByName: '钱结算', approvedAt: h.clock.now().toISOString() });
    const twice = await http.post(`/settlement/statements/${target.id}/approve`).set(...auth(h.tokens.clearing));
    expect([twice.status, twice.body.code]).toEqual([409, 'SETTLEMENT_STATEMENT_ILLEGAL_TRANSITION']);
    expect(await approveEvents()).toBe(1);

    // concurrent approvals of another statement: exactly one wins, one event
    const racing = await Promise.all([1, 2, 3, 4, 5].map(() => http.post(`/settlement/statements/${other.id}/approve`).set(...auth(h.tokens.clearing))));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await approveEvents()).toBe(2);

    await http.post(`/settlement/statements/${target.id}/pay`).set(...auth(h.tokens.clearing)).expect(200);
    for (const [token, code] of [
      [h.tokens.qujiang, 'SETTLEMENT_SCOPE_VIOLATION'],
      [h.tokens.clearing, 'SETTLEMENT_UNIT_CONFIRMATION_REQUIRED'],
    ] as const) {
      const res = await http.post(`/settlement/statements/${target.id}/confirm`).set(...auth(token));
      expect([res.status, res.body.code]).toEqual([403, code]);
    }
    const detail = await http.get(`/settlement/statements/${target.id}`).set(...auth(h.tokens.kecheng)).expect(200);
    expect(detail.body.canConfirm).toBe(true);
    const confirmed = await http.post(`/settlement/statements/${target.id}/confirm`).set(...auth(h.tokens.kecheng)).expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', approvedByName: '钱结算', paidByName: '钱结算', confirmedByName: '孙会计' });
    const again = await http.post(`/settlement/statements/${target.id}/confirm`).set(...auth(h.tokens.kecheng));
    expect(again.status).toBe(409);
    // the figures are frozen even for the database user
    await expect(h.query(`UPDATE settlement_statements SET net_fen = net_fen + 1, payable_fen = payable_fen - 1 WHERE id = $1`, [target.id])).rejects.toThrow(
      /never change/,
    );
  });

  it('a void through the API after close becomes a reversal in the next day closed; events reach Kafka keyed by aggregate', async () => {
    const [meal] = await h.query<{ id: string; price_fen: number }>(
      `SELECT id, price_fen FROM meals WHERE payer = 'unit' AND status <> 'voided' AND meal_date = '2025-11-20' ORDER BY id LIMIT 1`,
    );
    await http
      .post(`/meals/${meal!.id}/void`)
      .set(...auth(h.tokens.admin))
      .set('Idempotency-Key', 'void-after-close-1')
      .send({ reason: '重复扫码' })
      .expect(200);
    const closed = await http.post('/settlement/periods/2025-12-01/close').set(...auth(h.tokens.clearing)).expect(200);
    expect(closed.body.period).toMatchObject({ reversalCount: 1, reversalFen: meal!.price_fen });
    const reversal = await h.query(`SELECT r.meal_id, o.period_start::text AS original FROM settlement_reversals r JOIN settlement_periods o ON o.id = r.original_period_id`);
    expect(reversal).toEqual([{ meal_id: meal!.id, original: '2025-11-20' }]);
    const nets = await http.get('/settlement/periods/2025-12-01/nets?level=unit').set(...auth(h.tokens.clearing)).expect(200);
    expect(nets.body.sumOfNetFen).toBe(0);

    await waitFor('settlement events on Kafka', () => received.filter((e) => e.type === 'settlement.period-closed').length >= 32 && received.some((e) => e.type === 'settlement.statement-approved'));
    const monthEvent = received.find((e) => e.type === 'settlement.period-closed' && e.payload.periodStart === '2025-11-01' && e.payload.periodEnd === '2025-11-30');
    expect(monthEvent).toBeDefined();
    if (monthEvent?.type === 'settlement.period-closed') {
      expect(monthEvent.payload.statementIds).toHaveLength(S_UNITS.length + 3);
      expect(monthEvent.aggregateId).toBe(monthEvent.payload.periodId);
    }
    const approvedEvents = received.filter((e) => e.type === 'settlement.statement-approved');
    expect(approvedEvents).toHaveLength(2);
    for (const e of approvedEvents) {
      if (e.type !== 'settlement.statement-approved') continue;
      expect(e.aggregateId).toBe(e.payload.statementId);
      expect(e.payload.netFen).toBe(e.payload.receivableFen - e.payload.payableFen);
    }
  });
});
