import request from 'supertest';
import { AdjustableScanClock, SCAN_CLOCK } from '../scanning/scan.clock';
import { createScanningHarness, ScanningHarness } from '../scanning/testing/scanning-test-harness';

jest.setTimeout(60_000);

describe('PUT /simulation/clock: the simulator moves the scan clock (real PostgreSQL)', () => {
  describe('enabled (SIMULATION_CLOCK_ENABLED=true)', () => {
    let h: ScanningHarness;
    beforeAll(async () => {
      h = await createScanningHarness({
        label: 'simclock',
        config: { SIMULATION_CLOCK_ENABLED: 'true' },
        // the service's own clock binding (not the harness's pinned one) — as the simulator runs it
        configure: (builder) => builder.overrideProvider(SCAN_CLOCK).useValue(new AdjustableScanClock()),
      });
    });
    afterAll(() => h?.close());

    const scan = (token: string, key: string) =>
      request(h.app.getHttpServer())
        .post('/scans')
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', key)
        .send({ code: h.fixture.canteen.mealCodeText, ...h.fixture.canteen.location });

    it('scans are dated and slotted by the simulated time, which runs on at the real pace', async () => {
      const set = await request(h.app.getHttpServer()).put('/simulation/clock').set('Authorization', `Bearer ${h.fixture.adminToken}`).send({ now: '2025-11-24T10:10:00Z' }).expect(200);
      expect(Math.abs(Date.parse(set.body.now) - Date.parse('2025-11-24T10:10:00Z'))).toBeLessThan(2000);
      expect(set.body.offsetSeconds).toBeLessThan(0);
      const dinner = await scan(h.fixture.diner.token, 'sim-clock-dinner-1').expect(201);
      expect(dinner.body.meal).toMatchObject({ mealDate: '2025-11-24', slot: 'dinner' }); // 18:10 Asia/Shanghai

      await request(h.app.getHttpServer()).put('/simulation/clock').set('Authorization', `Bearer ${h.fixture.adminToken}`).send({ now: '2025-11-25T00:05:00+00:00' }).expect(200);
      const breakfast = await scan(h.fixture.diner.token, 'sim-clock-breakfast-1').expect(201);
      expect(breakfast.body.meal).toMatchObject({ mealDate: '2025-11-25', slot: 'breakfast' }); // 08:05 the next day

      await new Promise((r) => setTimeout(r, 1100));
      const read = await request(h.app.getHttpServer()).get('/simulation/clock').set('Authorization', `Bearer ${h.fixture.adminToken}`).expect(200);
      expect(Date.parse(read.body.now) - Date.parse('2025-11-25T00:05:00Z')).toBeGreaterThanOrEqual(1000);
    });

    it('refuses a malformed time and other roles, and leaves the clock where it was', async () => {
      const before = (await request(h.app.getHttpServer()).get('/simulation/clock').set('Authorization', `Bearer ${h.fixture.adminToken}`).expect(200)).body.offsetSeconds;
      for (const body of [{ now: 'yesterday' }, { now: 1732442400000 }, {}, { now: '2025-11-24T10:10:00Z', extra: 1 }]) {
        const res = await request(h.app.getHttpServer()).put('/simulation/clock').set('Authorization', `Bearer ${h.fixture.adminToken}`).send(body).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      await request(h.app.getHttpServer()).put('/simulation/clock').set('Authorization', `Bearer ${h.fixture.diner.token}`).send({ now: '2030-01-01T00:00:00Z' }).expect(403);
      const after = (await request(h.app.getHttpServer()).get('/simulation/clock').set('Authorization', `Bearer ${h.fixture.adminToken}`).expect(200)).body.offsetSeconds;
      expect(Math.abs(after - before)).toBeLessThanOrEqual(1);
    });
  });

  describe('disabled (the default)', () => {
    let h: ScanningHarness;
    beforeAll(async () => {
      h = await createScanningHarness({ label: 'simclockoff', configure: (builder) => builder.overrideProvider(SCAN_CLOCK).useValue(new AdjustableScanClock()) });
    });
    afterAll(() => h?.close());

    it('answers 403 SIMULATION_CLOCK_DISABLED, even to an administrator', async () => {
      const res = await request(h.app.getHttpServer()).put('/simulation/clock').set('Authorization', `Bearer ${h.fixture.adminToken}`).send({ now: '2025-11-24T10:10:00Z' }).expect(403);
      expect(res.body.code).toBe('SIMULATION_CLOCK_DISABLED');
      await request(h.app.getHttpServer()).get('/simulation/clock').set('Authorization', `Bearer ${h.fixture.adminToken}`).expect(403);
    });
  });
});
