import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { App } from 'supertest/types';
import { MealRepository } from './meal.repository';
import { createScanningHarness, ScanningHarness } from './testing/scanning-test-harness';

jest.setTimeout(60_000);

let keySeq = 0;
const newKey = (): string => `key-${Date.now().toString(36)}-${(keySeq += 1)}-${Math.random().toString(36).slice(2, 8)}`;

describe('POST /scans (real PostgreSQL)', () => {
  let h: ScanningHarness;
  let http: string;

  beforeAll(async () => {
    // Listening on a real port: concurrent supertest calls against an unbound server reset connections.
    h = await createScanningHarness({ label: 'scans', listen: true });
    http = h.baseUrl as string;
  });
  afterAll(() => h?.close());
  beforeEach(() => h.clock.set(new Date('2025-11-24T04:00:00.000Z')));

  const scan = (token: string, body: object, key: string | null = newKey()) => {
    let req = request(http).post('/scans').set('Authorization', `Bearer ${token}`);
    if (key !== null) req = req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const here = (): { code: string; latitude: number; longitude: number } => ({ code: h.fixture.canteen.mealCodeText, ...h.fixture.canteen.location });

  it('own staff: self-paid at the staff price, with a pass and one outbox row', async () => {
    const outboxBefore = await h.count('outbox_events');
    const res = await scan(h.fixture.diner.token, { ...here(), accuracyMeters: 15 }).expect(201);
    expect(res.body).toMatchObject({
      replayed: false,
      meal: { status: 'issued', mealDate: '2025-11-24', slot: 'lunch', slotLabel: '午餐', priceFen: 1500, payer: 'self', isVisitor: false, purpose: 'personal', withinGeofence: true },
      diner: { id: h.fixture.diner.id, name: '张三', unitName: '柯城区财政局' },
      canteen: { id: h.fixture.canteen.id, name: '柯城区机关食堂', regionName: '柯城区' },
    });
    expect(res.body.meal.distanceMeters).toBeLessThan(1);
    expect(res.body.pass.token.split('.')).toHaveLength(3);
    expect(new Date(res.body.pass.expiresAt).getTime()).toBe(h.clock.now().getTime() + 300_000);
    expect(await h.count('outbox_events')).toBe(outboxBefore + 1);
    const [row] = await h.dataSource.query(`SELECT envelope FROM outbox_events WHERE aggregate_id = $1`, [h.fixture.diner.id]);
    expect(row.envelope).toMatchObject({ type: 'meal.scanned', version: 1, aggregateId: h.fixture.diner.id, payload: { mealId: res.body.meal.id, priceFen: 1500, payer: 'self' } });
  });

  it('visitor on official business: unit-paid at the visitor price; personal: self-paid', async () => {
    const official = await scan(h.fixture.visitor.token, { ...here(), purpose: 'official' }).expect(201);
    expect(official.body.meal).toMatchObject({ priceFen: 2000, payer: 'unit', isVisitor: true, purpose: 'official' });
    h.clock.set(new Date('2025-11-24T10:00:00.000Z')); // 18:00 dinner
    const personal = await scan(h.fixture.visitor.token, { ...here(), purpose: 'personal' }).expect(201);
    expect(personal.body.meal).toMatchObject({ slot: 'dinner', priceFen: 1850, payer: 'self', isVisitor: true, purpose: 'personal' });
  });

  it('refuses when no slot is open, naming the hours', async () => {
    h.clock.set(new Date('2025-11-24T07:00:00.000Z')); // 15:00 Shanghai
    const res = await scan(h.fixture.diner.token, here()).expect(422);
    expect(res.body.code).toBe('NO_MEAL_SLOT_OPEN');
    expect(res.body.message).toContain('午餐 11:00–13:00');
  });

  it('refuses an inactive diner', async () => {
    const res = await scan(h.fixture.inactiveDiner.token, here()).expect(422);
    expect(res.body.code).toBe('DINER_INACTIVE');
  });

  it('refuses a scan outside the geofence with the distance', async () => {
    const before = await h.count('meals');
    const res = await scan(h.fixture.diner.token, { ...here(), latitude: h.fixture.canteen.location.latitude + 0.01 }).expect(422);
    expect(res.body.code).toBe('OUTSIDE_GEOFENCE');
    expect(res.body.message).toMatch(/约 1112 米/);
    expect(await h.count('meals')).toBe(before);
  });

  it('refuses forged and altered codes', async () => {
    const text: string = h.fixture.canteen.mealCodeText;
    const [head, payload, sig] = text.slice(text.lastIndexOf('/') + 1).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = `${text.slice(0, text.lastIndexOf('/') + 1)}${head}.${Buffer.from(JSON.stringify({ ...claims, lat: 30 })).toString('base64url')}.${sig}`;
    const r1 = await scan(h.fixture.diner.token, { ...here(), code: altered }).expect(422);
    expect(r1.body.code).toBe('MEAL_CODE_FORGED');
    const r2 = await scan(h.fixture.diner.token, { ...here(), code: 'https://evil.example/m/abc.def.ghi' }).expect(400);
    expect(r2.body.code).toBe('MEAL_CODE_MALFORMED');
  });

  it('a second scan in the same slot is 409 with a clear message', async () => {
    const d = await h.createDiner(h.fixture.ownUnit.id, '赵六');
    await scan(d.token, here()).expect(201);
    const res = await scan(d.token, here()).expect(409);
    expect(res.body.code).toBe('MEAL_ALREADY_TAKEN');
    expect(res.body.message).toContain('本餐次已就餐');
    expect(res.body.message).toContain('柯城区机关食堂');
    expect(res.body.message).toContain('12:00');
  });

  it('the same Idempotency-Key returns the same meal; with another body 422', async () => {
    const d = await h.createDiner(h.fixture.ownUnit.id, '孙七');
    const key = newKey();
    const first = await scan(d.token, here(), key).expect(201);
    const again = await scan(d.token, here(), key).expect(200);
    expect(again.body.replayed).toBe(true);
    expect(again.body.meal.id).toBe(first.body.meal.id);
    expect(await h.count('meals', 'diner_id = $1', [d.id])).toBe(1);
    const other = await scan(d.token, { ...here(), purpose: 'official' }, key).expect(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // A retry after the slot closed still gets its meal.
    h.clock.set(new Date('2025-11-24T07:00:00.000Z'));
    const late = await scan(d.token, here(), key).expect(200);
    expect(late.body.meal.id).toBe(first.body.meal.id);
  });

  it('20 concurrent scans with different keys: exactly one meal, the others 409', async () => {
    const d = await h.createDiner(h.fixture.ownUnit.id, '并发甲');
    const outboxBefore = await h.count('outbox_events');
    const results = await Promise.all(Array.from({ length: 20 }, () => scan(d.token, here())));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(await h.count('meals', 'diner_id = $1', [d.id])).toBe(1);
    expect(await h.count('outbox_events')).toBe(outboxBefore + 1);
  });

  it('10 concurrent scans with the same key: one meal, every answer carries its id', async () => {
    const d = await h.createDiner(h.fixture.ownUnit.id, '并发乙');
    const key = newKey();
    const results = await Promise.all(Array.from({ length: 10 }, () => scan(d.token, here(), key)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.meal.id)).size).toBe(1);
    expect(await h.count('meals', 'diner_id = $1', [d.id])).toBe(1);
  });

  it('scans arriving together are written as one group: each diner gets one meal and one event, a bad row fails alone', async () => {
    const diners = await Promise.all(Array.from({ length: 12 }, (_, i) => h.createDiner(h.fixture.visitor.unitId, `成组${i}`)));
    const repository = h.app.get(MealRepository);
    const meals = await h.count('meals');
    const outbox = await h.count('outbox_events');
    // Twelve diners at once, and a second tap of the first diner (another key).
    const bodies = [...diners.map((d) => d.token), diners[0]!.token].map((token) => scan(token, { ...here(), purpose: 'official' }));
    const results = await Promise.all(bodies);
    expect(results.filter((r) => r.status === 201)).toHaveLength(12);
    expect(results.filter((r) => r.status === 409)).toHaveLength(1);
    expect(await h.count('meals')).toBe(meals + 12);
    expect(await h.count('outbox_events')).toBe(outbox + 12);

    // The group statement itself: two diners and a second meal of the first one's slot.
    const good = await h.createDiner(h.fixture.ownUnit.id, '成组好');
    const good2 = await h.createDiner(h.fixture.ownUnit.id, '成组好二');
    const write = (dinerId: string, key: string) => {
      const id = randomUUID();
      return {
        meal: {
          id, dinerId, dinerUnitId: h.fixture.ownUnit.id, canteenId: h.fixture.canteen.id, canteenOwnerUnitId: h.fixture.ownUnit.id,
          mealDate: '2025-11-24', slot: 'lunch', priceFen: 800, payer: 'self' as const, isVisitor: false, purpose: 'personal' as const,
          scannedAt: new Date(), latitude: 1, longitude: 1, accuracyM: null, distanceM: 0, withinGeofence: true, codeVersion: 1,
          idempotencyKey: key, requestHash: 'h',
        },
        outbox: { eventId: randomUUID(), topic: 'meal.events.test', aggregateId: dinerId, envelope: '{}' },
      };
    };
    const before = await h.count('meals');
    const outboxBefore = await h.count('outbox_events');
    expect(await repository.insertScannedMeals([write(good.id, newKey()), write(good2.id, newKey()), write(good.id, newKey())])).toEqual([true, true, false]);
    expect(await h.count('meals')).toBe(before + 2);
    expect(await h.count('outbox_events')).toBe(outboxBefore + 2);
    // A row that breaks a constraint fails alone: the group falls back to one statement per scan.
    const third = await h.createDiner(h.fixture.ownUnit.id, '成组好三');
    const outcome = await repository.insertScannedMeals([write(third.id, newKey()), write(randomUUID(), newKey()), write(third.id, newKey())]);
    expect(outcome[0]).toBe(true);
    expect(outcome[1]).toBeInstanceOf(Error); // no such diner: the foreign key refuses it
    expect(outcome[2]).toBe(false); // the slot is taken by the first row
    expect(await h.count('meals')).toBe(before + 3);
    expect(await h.count('outbox_events')).toBe(outboxBefore + 3);
  });

  it('malformed requests: 400 and nothing stored', async () => {
    const d = await h.createDiner(h.fixture.ownUnit.id, '坏请求');
    const meals = await h.count('meals');
    const outbox = await h.count('outbox_events');
    const bad: [object, string | null][] = [
      [here(), null],
      [here(), 'short'],
      [here(), 'has space in it'],
      [{ ...here(), latitude: 200 }, newKey()],
      [{ ...here(), longitude: -181 }, newKey()],
      [{ ...here(), latitude: '28.97' }, newKey()],
      [{ ...here(), code: 42 }, newKey()],
      [{ ...here(), extra: true }, newKey()],
      [{ ...here(), accuracyMeters: -1 }, newKey()],
      [{ ...here(), purpose: 'party' }, newKey()],
      [{ latitude: 1, longitude: 1 }, newKey()],
      [{ ...here(), code: 'x'.repeat(2049) }, newKey()],
    ];
    for (const [body, key] of bad) {
      const res = await scan(d.token, body, key);
      expect(`${JSON.stringify(body).slice(0, 60)} ${key} → ${res.status}`).toBe(`${JSON.stringify(body).slice(0, 60)} ${key} → 400`);
    }
    const notJson = await request(http).post('/scans').set('Authorization', `Bearer ${d.token}`).set('Idempotency-Key', newKey()).set('Content-Type', 'application/json').send('{"code":');
    expect(notJson.status).toBe(400);
    expect(await h.count('meals')).toBe(meals);
    expect(await h.count('outbox_events')).toBe(outbox);
  });

  it('flags instead of refusing with SCAN_GEOFENCE_POLICY=flag', async () => {
    const flagged = await createScanningHarness({ label: 'scanflag', config: { SCAN_GEOFENCE_POLICY: 'flag' } });
    try {
      const res = await request(flagged.app.getHttpServer() as App)
        .post('/scans')
        .set('Authorization', `Bearer ${flagged.fixture.diner.token}`)
        .set('Idempotency-Key', newKey())
        .send({ code: flagged.fixture.canteen.mealCodeText, latitude: flagged.fixture.canteen.location.latitude + 0.01, longitude: flagged.fixture.canteen.location.longitude })
        .expect(201);
      expect(res.body.meal.withinGeofence).toBe(false);
      expect(res.body.meal.distanceMeters).toBeGreaterThan(1000);
    } finally {
      await flagged.close();
    }
  });

  it('lists my meals newest first and serves a fresh pass and its QR', async () => {
    const d = await h.createDiner(h.fixture.ownUnit.id, '历史');
    const first = await scan(d.token, here()).expect(201);
    h.clock.set(new Date('2025-11-24T10:00:00.000Z'));
    const second = await scan(d.token, here()).expect(201);
    const mine = await request(http).get('/meals/mine?page=1&pageSize=10').set('Authorization', `Bearer ${d.token}`).expect(200);
    expect(mine.body).toMatchObject({ total: 2, page: 1, pageSize: 10 });
    expect(mine.body.items.map((m: { id: string }) => m.id)).toEqual([second.body.meal.id, first.body.meal.id]);
    expect(mine.body.items[0]).toMatchObject({ canteenName: '柯城区机关食堂', slot: 'dinner', priceFen: 1200, payer: 'self', status: 'issued', verifiedAt: null });
    const pass = await request(http).get(`/meals/${first.body.meal.id}/pass`).set('Authorization', `Bearer ${d.token}`).expect(200);
    expect(pass.body.meal.id).toBe(first.body.meal.id);
    expect(pass.body.pass.token).toMatch(/^ey/);
    const svg = await request(http).get(`/meals/${first.body.meal.id}/pass.svg`).set('Authorization', `Bearer ${d.token}`).buffer(true).expect(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(String(svg.body)).toContain('<svg');
    // Someone else's meal is not found.
    await request(http).get(`/meals/${first.body.meal.id}/pass`).set('Authorization', `Bearer ${h.fixture.diner.token}`).expect(404);
  });

  it('voids a meal once (idempotent on the key) with one meal.voided event; a foreign terminal may not', async () => {
    const d = await h.createDiner(h.fixture.ownUnit.id, '作废');
    const meal = await scan(d.token, here()).expect(201);
    const id = meal.body.meal.id as string;
    await request(http).post(`/meals/${id}/void`).set('Authorization', `Bearer ${h.fixture.terminalB.token}`).set('Idempotency-Key', newKey()).send({ reason: '误扫' }).expect(403);
    const key = newKey();
    const v1 = await request(http).post(`/meals/${id}/void`).set('Authorization', `Bearer ${h.fixture.adminToken}`).set('Idempotency-Key', key).send({ reason: '误扫' }).expect(200);
    expect(v1.body).toMatchObject({ replayed: false, meal: { id, status: 'voided', voidReason: '误扫' } });
    const v2 = await request(http).post(`/meals/${id}/void`).set('Authorization', `Bearer ${h.fixture.adminToken}`).set('Idempotency-Key', key).send({ reason: '误扫' }).expect(200);
    expect(v2.body.replayed).toBe(true);
    await request(http).post(`/meals/${id}/void`).set('Authorization', `Bearer ${h.fixture.adminToken}`).set('Idempotency-Key', newKey()).send({ reason: '误扫' }).expect(409);
    const events = await h.dataSource.query(`SELECT envelope FROM outbox_events WHERE envelope->>'type' = 'meal.voided' AND envelope->'payload'->>'mealId' = $1`, [id]);
    expect(events).toHaveLength(1);
    expect(events[0].envelope.payload.refundFen).toBe(1500);
    // The slot is free again, and the pass of the voided meal is gone.
    await request(http).get(`/meals/${id}/pass`).set('Authorization', `Bearer ${d.token}`).expect(410);
    await scan(d.token, here()).expect(201);
  });
});
