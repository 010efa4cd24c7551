import { createPublicKey, randomUUID, verify } from 'node:crypto';
import request from 'supertest';
import { Role } from '@meal/auth';
import { createScanningHarness, HarnessDiner, ScanningHarness } from '../scanning/testing/scanning-test-harness';
import { openTerminalStream } from './testing/terminal-stream-reader';

jest.setTimeout(60_000);

let seq = 0;
const newKey = (): string => `tkey-${Date.now().toString(36)}-${(seq += 1)}`;
const LUNCH_NOON = new Date('2025-11-24T04:00:00.000Z');

describe('terminal verification, offline sync and live stream (real PostgreSQL)', () => {
  let h: ScanningHarness;
  let http: string;

  beforeAll(async () => {
    h = await createScanningHarness({ label: 'terminal', listen: true });
    http = h.baseUrl as string;
  });
  afterAll(() => h?.close());
  beforeEach(() => h.clock.set(LUNCH_NOON));

  async function scanFor(diner: HarnessDiner, canteen = h.fixture.canteen): Promise<{ mealId: string; pass: string }> {
    const res = await request(http)
      .post('/scans')
      .set('Authorization', `Bearer ${diner.token}`)
      .set('Idempotency-Key', newKey())
      .send({ code: canteen.mealCodeText, ...canteen.location });
    expect(res.status).toBe(201);
    return { mealId: res.body.meal.id, pass: res.body.pass.token };
  }
  const verifyAs = (token: string, pass: string) => request(http).post('/terminal/verifications').set('Authorization', `Bearer ${token}`).send({ pass });
  const verifiedEvents = async (mealId: string): Promise<number> =>
    h.count('outbox_events', `envelope->>'type' = 'meal.verified' AND envelope->'payload'->>'mealId' = $1`, [mealId]);

  it('accepts a pass once; the replay is 409 with when and where it was used', async () => {
    const diner = await h.createDiner(h.fixture.ownUnit.id, '核销甲');
    const { mealId, pass } = await scanFor(diner);
    const ok = await verifyAs(h.fixture.terminal.token, pass).expect(200);
    expect(ok.body).toMatchObject({
      result: 'accepted',
      meal: { id: mealId, status: 'verified' },
      diner: { name: '核销甲', unitName: '柯城区财政局' },
      slot: 'lunch',
      slotLabel: '午餐',
      priceFen: 1500,
      payer: 'self',
      verifiedAt: LUNCH_NOON.toISOString(),
    });
    const replay = await verifyAs(h.fixture.terminal2.token, pass).expect(409);
    expect(replay.body.code).toBe('PASS_ALREADY_USED');
    expect(replay.body.message).toContain('12:00');
    expect(replay.body.message).toContain('一号窗口');
    expect(replay.body.details).toEqual(expect.arrayContaining([{ field: 'usedAt', message: LUNCH_NOON.toISOString() }]));
    expect(await verifiedEvents(mealId)).toBe(1);
    // The diner's page still gets the pass, now verified.
    const again = await request(http).get(`/meals/${mealId}/pass`).set('Authorization', `Bearer ${diner.token}`).expect(200);
    expect(again.body.meal.status).toBe('verified');
  });

  it('refuses a pass of another canteen, of another slot, tampered, expired, or not a pass at all', async () => {
    const diner = await h.createDiner(h.fixture.ownUnit.id, '核销乙');
    const { mealId, pass } = await scanFor(diner);
    const wrongCanteen = await verifyAs(h.fixture.terminalB.token, pass).expect(422);
    expect(wrongCanteen.body.code).toBe('PASS_WRONG_CANTEEN');
    expect(wrongCanteen.body.message).toContain('柯城区机关食堂');

    const [head, body, sig] = pass.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, p: 1 })).toString('base64url')}.${sig}`;
    expect((await verifyAs(h.fixture.terminal.token, tampered).expect(422)).body.code).toBe('PASS_FORGED');

    const mealCodeJws = h.fixture.canteen.mealCodeText.slice(h.fixture.canteen.mealCodeText.lastIndexOf('/') + 1);
    expect((await verifyAs(h.fixture.terminal.token, mealCodeJws).expect(422)).body.code).toBe('PASS_FORGED');
    expect((await verifyAs(h.fixture.terminal.token, diner.token).expect(422)).body.code).toBe('PASS_FORGED');
    expect((await verifyAs(h.fixture.terminal.token, 'not a pass').expect(422)).body.code).toBe('PASS_MALFORMED');
    await verifyAs(h.fixture.terminal.token, '').expect(400);

    h.clock.advanceSeconds(301);
    const expired = await verifyAs(h.fixture.terminal.token, pass).expect(410);
    expect(expired.body.code).toBe('PASS_EXPIRED');
    expect(await verifiedEvents(mealId)).toBe(0);

    // Scanned at 12:59 for lunch, shown at 13:01 when no slot is open.
    h.clock.set(new Date('2025-11-24T04:59:00.000Z'));
    const late = await scanFor(await h.createDiner(h.fixture.ownUnit.id, '核销丙'));
    h.clock.set(new Date('2025-11-24T05:01:00.000Z'));
    expect((await verifyAs(h.fixture.terminal.token, late.pass).expect(422)).body.code).toBe('PASS_WRONG_SLOT');
  });

  it('refuses a voided meal with 410 MEAL_VOIDED', async () => {
    const { mealId, pass } = await scanFor(await h.createDiner(h.fixture.ownUnit.id, '作废丁'));
    await request(http).post(`/meals/${mealId}/void`).set('Authorization', `Bearer ${h.fixture.terminal.token}`).set('Idempotency-Key', newKey()).send({ reason: '退餐' }).expect(200);
    expect((await verifyAs(h.fixture.terminal.token, pass).expect(410)).body.code).toBe('MEAL_VOIDED');
  });

  it('publishes the canteen public key; a pass verifies offline with it', async () => {
    const { pass } = await scanFor(await h.createDiner(h.fixture.ownUnit.id, '离线钥'));
    const res = await request(http).get('/terminal/pass-key').set('Authorization', `Bearer ${h.fixture.terminal.token}`).expect(200);
    expect(res.body).toMatchObject({ canteenId: h.fixture.canteen.id, alg: 'ES256', typ: 'meal-pass', passTtlSeconds: 300, jwk: { kty: 'EC', crv: 'P-256' } });
    expect(JSON.stringify(res.body)).not.toMatch(/PRIVATE|"d":/);
    const key = createPublicKey({ key: res.body.jwk, format: 'jwk' });
    const [h64, p64, s64] = pass.split('.');
    expect(JSON.parse(Buffer.from(h64, 'base64url').toString()).kid).toBe(res.body.kid);
    expect(verify('sha256', Buffer.from(`${h64}.${p64}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s64, 'base64url'))).toBe(true);
  });

  it('offline sync: synced twice and from two terminals → one verification and one event; forged refused', async () => {
    const { mealId, pass } = await scanFor(await h.createDiner(h.fixture.ownUnit.id, '离线甲'));
    const verifiedAt = new Date(LUNCH_NOON.getTime() + 30_000).toISOString();
    h.clock.advanceSeconds(3600); // synced an hour later: the pass has expired by now, but not when it was verified
    const c1 = randomUUID();
    const c2 = randomUUID();
    const c3 = randomUUID();
    const [head, body] = pass.split('.');
    const forged = `${head}.${body}.${Buffer.alloc(64, 7).toString('base64url')}`;
    const upload = (token: string, confirmations: object[]) =>
      request(http).post('/terminal/offline-confirmations').set('Authorization', `Bearer ${token}`).send({ confirmations });

    const first = await upload(h.fixture.terminal.token, [
      { confirmationId: c1, pass, verifiedAt },
      { confirmationId: c3, pass: forged, verifiedAt },
    ]).expect(200);
    expect(first.body.results).toEqual([
      { confirmationId: c1, outcome: 'accepted' },
      expect.objectContaining({ confirmationId: c3, outcome: 'refused', code: 'PASS_FORGED' }),
    ]);
    const again = await upload(h.fixture.terminal.token, [{ confirmationId: c1, pass, verifiedAt }]).expect(200);
    expect(again.body.results).toEqual([{ confirmationId: c1, outcome: 'accepted' }]);
    const other = await upload(h.fixture.terminal2.token, [{ confirmationId: c2, pass, verifiedAt }]).expect(200);
    expect(other.body.results[0]).toMatchObject({ confirmationId: c2, outcome: 'duplicate' });
    const both = await Promise.all([
      upload(h.fixture.terminal2.token, [{ confirmationId: c2, pass, verifiedAt }]),
      upload(h.fixture.terminal.token, [{ confirmationId: randomUUID(), pass, verifiedAt }]),
    ]);
    expect(both.map((r) => r.body.results[0].outcome)).toEqual(['duplicate', 'duplicate']);

    expect(await verifiedEvents(mealId)).toBe(1);
    const [meal] = await h.dataSource.query('SELECT status, verified_offline, verified_at, price_fen FROM meals WHERE id = $1', [mealId]);
    expect(meal).toMatchObject({ status: 'verified', verified_offline: true, price_fen: 1500 });
    expect(new Date(meal.verified_at).toISOString()).toBe(verifiedAt);

    // Verified offline after the pass had expired: refused.
    h.clock.set(LUNCH_NOON);
    const late = await scanFor(await h.createDiner(h.fixture.ownUnit.id, '离线乙'));
    h.clock.advanceSeconds(900);
    const expired = await upload(h.fixture.terminal.token, [{ confirmationId: randomUUID(), pass: late.pass, verifiedAt: new Date(LUNCH_NOON.getTime() + 600_000).toISOString() }]).expect(200);
    expect(expired.body.results[0]).toMatchObject({ outcome: 'refused', code: 'PASS_EXPIRED' });

    await upload(h.fixture.terminal.token, []).expect(400);
    await upload(h.fixture.terminal.token, [{ confirmationId: 'x', pass, verifiedAt }]).expect(400);
    // More than 500 (short fake passes: 500 real ones exceed the default 100 KB body limit, see HTTP_BODY_LIMIT_BYTES).
    await upload(h.fixture.terminal.token, Array.from({ length: 501 }, () => ({ confirmationId: randomUUID(), pass: 'a.b.c', verifiedAt }))).expect(400);
  });

  it("summary counts today's meals per slot", async () => {
    const res = await request(http).get('/terminal/summary').set('Authorization', `Bearer ${h.fixture.terminal.token}`).expect(200);
    expect(res.body.mealDate).toBe('2025-11-24');
    expect(res.body.currentSlot).toBe('lunch');
    expect(res.body.slots.map((s: { slot: string }) => s.slot)).toEqual(['breakfast', 'lunch', 'dinner']);
    const lunch = res.body.slots.find((s: { slot: string }) => s.slot === 'lunch');
    const [db] = await h.dataSource.query(
      `SELECT count(*) FILTER (WHERE status <> 'voided')::int AS scanned, count(*) FILTER (WHERE status = 'verified')::int AS verified
       FROM meals WHERE canteen_id = $1 AND meal_date = '2025-11-24' AND slot = 'lunch'`,
      [h.fixture.canteen.id],
    );
    expect(lunch).toMatchObject({ slotLabel: '午餐', scanned: db.scanned, verified: db.verified });
    expect(lunch.verified).toBeGreaterThan(0);
  });

  it('pushes a verification to the live stream within a second', async () => {
    const { pass } = await scanFor(await h.createDiner(h.fixture.ownUnit.id, '实时甲'));
    const stream = await openTerminalStream(http, h.fixture.terminal.token);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    try {
      await stream.until(/event: summary/, 2000);
      stream.clear();
      const started = Date.now();
      await verifyAs(h.fixture.terminal2.token, pass).expect(200);
      const text = await stream.until(/event: verification\ndata: .*实时甲.*\n\n/, 1000);
      expect(Date.now() - started).toBeLessThan(1000);
      const data = JSON.parse(/event: verification\ndata: (.*)\n/.exec(text)?.[1] ?? '{}');
      expect(data).toMatchObject({ result: 'accepted', dinerName: '实时甲', unitName: '柯城区财政局', slot: 'lunch', slotLabel: '午餐' });
      await stream.until(/event: summary\ndata: /, 1000);
      // A terminal of another canteen sees nothing of it; an unknown terminal is refused before the stream opens.
      const other = await fetch(`${http}/terminal/stream`, {
        headers: { Authorization: `Bearer ${h.issuer.issue({ subject: randomUUID(), kind: 'terminal', roles: [Role.Terminal], name: 'x', canteenId: h.fixture.canteen.id }).accessToken}` },
      });
      expect(other.status).toBe(403);
    } finally {
      await stream.close();
    }
  });
});
