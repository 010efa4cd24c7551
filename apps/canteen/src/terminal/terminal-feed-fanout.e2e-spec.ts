import request from 'supertest';
import { MetricsService } from '@meal/platform';
import { MealActivityBus } from '../scanning/meal-activity.bus';
import { MEAL_ACTIVITY_CHANNEL } from '../scanning/meal-activity.fanout';
import { createScanningHarness, HarnessDiner, ScanningHarness } from '../scanning/testing/scanning-test-harness';
import { openTerminalStream, TerminalStreamReader } from './testing/terminal-stream-reader';

jest.setTimeout(90_000);

let seq = 0;
const newKey = (): string => `fkey-${Date.now().toString(36)}-${(seq += 1)}`;

async function openStream(baseUrl: string, token: string): Promise<TerminalStreamReader> {
  const stream = await openTerminalStream(baseUrl, token);
  expect(stream.status).toBe(200);
  return stream;
}

const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

describe('terminal feed across instances of the canteen service (PostgreSQL LISTEN/NOTIFY)', () => {
  let h: ScanningHarness;
  let a: string;
  let b: string;
  let metricsOfB: MetricsService;

  beforeAll(async () => {
    h = await createScanningHarness({ label: 'fanout', listen: true });
    a = h.baseUrl as string;
    const other = await h.startAnotherInstance();
    b = other.baseUrl;
    metricsOfB = other.app.get(MetricsService);
  });
  afterAll(() => h?.close());

  async function scanAt(baseUrl: string, diner: HarnessDiner): Promise<{ mealId: string; pass: string }> {
    const res = await request(baseUrl)
      .post('/scans')
      .set('Authorization', `Bearer ${diner.token}`)
      .set('Idempotency-Key', newKey())
      .send({ code: h.fixture.canteen.mealCodeText, ...h.fixture.canteen.location });
    expect(res.status).toBe(201);
    return { mealId: res.body.meal.id, pass: res.body.pass.token };
  }
  const ignoredOnB = async (): Promise<number> => (await metricsOfB.registry.getSingleMetric('meal_activity_fanout_messages_total')?.get())?.values.find((v) => v.labels.direction === 'ignored')?.value ?? 0;

  it('shows on a terminal connected to instance B the scans and verifications instance A handled, once each', async () => {
    const onB = await openStream(b, h.fixture.terminal.token);
    const onA = await openStream(a, h.fixture.terminal2.token);
    try {
      await onB.until(/event: summary/);
      await onA.until(/event: summary/);
      onB.clear();
      onA.clear();
      const { pass } = await scanAt(a, await h.createDiner(h.fixture.ownUnit.id, '跨实例甲'));
      const scanned = await onB.until(/event: scan\ndata: .*跨实例甲.*\n\n/);
      expect(JSON.parse(/event: scan\ndata: (.*)\n/.exec(scanned)?.[1] ?? '{}')).toMatchObject({
        kind: 'scan',
        canteenId: h.fixture.canteen.id,
        result: 'scanned',
        dinerName: '跨实例甲',
        unitName: '柯城区财政局',
        slotLabel: '午餐',
        priceFen: 1500,
      });
      await request(a).post('/terminal/verifications').set('Authorization', `Bearer ${h.fixture.terminal2.token}`).send({ pass }).expect(200);
      await onB.until(/event: verification\ndata: .*"result":"accepted".*跨实例甲.*\n\n/);
      // B recounts the slot after the remote activity, from the database
      await onB.until(/event: summary\ndata: .*"verified":[1-9]/);
      // A showed its own activity once: its message came back through the channel and was not shown again
      const onATotal = await onA.during(800);
      expect(occurrences(onATotal, '"dinerName":"跨实例甲"')).toBe(2); // one scan, one verification
      expect(occurrences(await onB.during(300), '"dinerName":"跨实例甲"')).toBe(2);
    } finally {
      await onB.close();
      await onA.close();
    }
  });

  it('carries a burst larger than one NOTIFY payload (8,000 bytes) whole, split over several messages', async () => {
    // 60 activities handled by A within one 20 ms send window: about 18 KB, which one NOTIFY cannot hold
    const names = Array.from({ length: 60 }, (_, i) => `批量${String(i).padStart(2, '0')}`);
    const onB = await openStream(b, h.fixture.terminal.token);
    try {
      await onB.until(/event: summary/);
      onB.clear();
      const busOfA = h.app.get(MealActivityBus);
      for (const dinerName of names) {
        busOfA.emit({ kind: 'scan', canteenId: h.fixture.canteen.id, result: 'scanned', dinerName, unitName: '柯城区财政局', slot: 'lunch', slotLabel: '午餐', priceFen: 1500, payer: 'self', at: new Date().toISOString() });
      }
      await onB.until(/批量59/, 5000);
      const text = await onB.during(300);
      for (const name of names) expect(occurrences(text, `"dinerName":"${name}"`)).toBe(1);
    } finally {
      await onB.close();
    }
  });

  it('ignores malformed messages on the channel and keeps delivering', async () => {
    const ignoredBefore = await ignoredOnB();
    for (const payload of [
      'not json',
      JSON.stringify({ v: 2, origin: 'x', activities: [] }),
      JSON.stringify({ v: 1, origin: 'x', activities: [{ kind: 'scan', canteenId: 42, result: 'scanned', at: 'now' }] }),
      JSON.stringify({ v: 1, origin: 'x', activities: [{ kind: 'drop table', canteenId: h.fixture.canteen.id, result: 'x', at: 'now' }] }),
    ]) {
      await h.dataSource.query('SELECT pg_notify($1, $2)', [MEAL_ACTIVITY_CHANNEL, payload]);
    }
    const onB = await openStream(b, h.fixture.terminal.token);
    try {
      await onB.until(/event: summary/);
      await scanAt(a, await h.createDiner(h.fixture.ownUnit.id, '坏消息后'));
      await onB.until(/event: scan\ndata: .*坏消息后/);
      expect((await ignoredOnB()) - ignoredBefore).toBe(4);
    } finally {
      await onB.close();
    }
  });

  it('listens again after its listening connection is killed', async () => {
    const killed = (await h.dataSource.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'meal-activity-listener' AND datname = current_database()`,
    )) as { ok: boolean }[];
    expect(killed.length).toBe(2); // one per instance
    const onB = await openStream(b, h.fixture.terminal.token);
    try {
      await onB.until(/event: summary/);
      // wait until both instances listen again, then scan
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [row] = (await h.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'meal-activity-listener' AND datname = current_database()`,
        )) as { n: number }[];
        if (row?.n === 2) break;
        if (Date.now() > deadline) throw new Error(`listeners did not come back: ${row?.n}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 200)); // LISTEN follows the connection
      await scanAt(a, await h.createDiner(h.fixture.ownUnit.id, '重连后'));
      await onB.until(/event: scan\ndata: .*重连后/);
    } finally {
      await onB.close();
    }
  });
});
