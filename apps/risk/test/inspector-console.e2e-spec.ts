import { randomUUID } from 'node:crypto';
import { METHODS } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { App } from 'supertest/types';
import { Role, TokenIssuer } from '@meal/auth';
import { Topics } from '@meal/contracts';
import { sampleMealScanned } from '@meal/contracts/event-samples';
import { EventPublisher } from '@meal/kafka';
import { ConsoleFixture, geofenceEvidence, mutualTreatingEvidence, seedConsoleFixture } from './console-fixture';
import { createRiskHarness, RiskHarness, waitFor } from './risk-test-harness';

jest.setTimeout(180_000);

interface CaseRow {
  id: string;
  status: string;
  assignee_id: string | null;
  resolution: string | null;
  closed_at: Date | null;
  updated_at: Date;
}

describe("inspectors' console API (real PostgreSQL and Kafka)", () => {
  let h: RiskHarness;
  let f: ConsoleFixture;
  const http = (): App => h.app.getHttpServer() as App;
  const as = (token: string) => ({
    get: (path: string) => request(http()).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) => request(http()).post(path).set('Authorization', `Bearer ${token}`).send(body),
  });
  const row = async (id: string): Promise<CaseRow> =>
    ((await h.dataSource.query(`SELECT id, status, assignee_id, resolution, closed_at, updated_at FROM risk_cases WHERE id = $1`, [id])) as CaseRow[])[0];
  const auditCount = async (id: string): Promise<number> =>
    ((await h.dataSource.query(`SELECT count(*)::int AS n FROM risk_case_audit WHERE case_id = $1`, [id])) as { n: number }[])[0].n;
  /** Runs `call`, expects `status` and `code`, and checks the case row and its audit trail did not change. */
  const refused = async (caseId: string, call: () => request.Test, status: number, code: string): Promise<void> => {
    const before = await row(caseId);
    const audits = await auditCount(caseId);
    const res = await call();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(await row(caseId)).toEqual(before);
    expect(await auditCount(caseId)).toBe(audits);
  };

  beforeAll(async () => {
    h = await createRiskHarness('console');
    f = await seedConsoleFixture(h);
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('the queue: filters, sorting, pagination, jurisdiction', () => {
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      ids.qjHigh = await f.insertCase({ regionCode: '330803', severity: 'high', model: 'duplicate-subsidy', at: '2025-03-02T04:00:00.000Z', subjectId: h.fixture.diner.id });
      ids.qjLow = await f.insertCase({ regionCode: '330803001', severity: 'low', model: 'two-meals-one-slot', at: '2025-03-10T04:00:00.000Z' });
      ids.kcCritical = await f.insertCase({ regionCode: '330802', severity: 'critical', model: 'mutual-treating', subjectType: 'unit-pair', subjectId: [h.fixture.unitA.id, h.fixture.unitB.id].sort().join('+'), at: '2025-04-01T02:00:00.000Z' });
      ids.hangzhou = await f.insertCase({ regionCode: '330100', severity: 'high', at: '2025-03-05T04:00:00.000Z' });
    });
    const listIds = async (token: string, query: string): Promise<string[]> => {
      const res = await as(token).get(`/cases?${query}`).expect(200);
      return (res.body.items as { id: string }[]).map((c) => c.id).filter((id) => Object.values(ids).includes(id));
    };

    it('a county inspector sees only their county and below; the city lead sees the city, not Hangzhou', async () => {
      expect((await listIds(f.qujiang.token, 'pageSize=200')).sort()).toEqual([ids.qjHigh, ids.qjLow].sort());
      expect(await listIds(f.kecheng.token, 'pageSize=200')).toEqual([ids.kcCritical]);
      expect((await listIds(f.cityLead.token, 'pageSize=200')).sort()).toEqual([ids.qjHigh, ids.qjLow, ids.kcCritical].sort());
      expect((await listIds(h.tokens.admin, 'pageSize=200')).sort()).toEqual(Object.values(ids).sort());
    });

    it('filters by model, severity, region, unit, status, date range and assignee', async () => {
      const t = f.cityLead.token;
      expect(await listIds(t, 'model=duplicate-subsidy')).toEqual([ids.qjHigh]);
      expect(await listIds(t, 'severity=critical')).toEqual([ids.kcCritical]);
      expect(await listIds(t, 'regionCode=330803001')).toEqual([ids.qjLow]);
      // a region outside the jurisdiction narrows to nothing, it never widens it
      expect(await listIds(f.kecheng.token, 'regionCode=330803')).toEqual([]);
      // unit A: the diner (staff of unit A) and the unit pair containing A
      expect((await listIds(t, `unitId=${h.fixture.unitA.id}`)).sort()).toEqual([ids.qjHigh, ids.kcCritical].sort());
      expect(await listIds(t, `unitId=${h.fixture.unitB.id}`)).toEqual([ids.kcCritical]);
      expect((await listIds(t, 'status=new')).sort()).toEqual([ids.qjHigh, ids.qjLow, ids.kcCritical].sort());
      expect(await listIds(t, 'status=closed')).toEqual([]);
      // 2025-03-10T04:00Z is 12:00 on 03-10 in Shanghai; 2025-04-01T02:00Z is 10:00 on 04-01
      expect(await listIds(t, 'from=2025-03-03&to=2025-03-31')).toEqual([ids.qjLow]);
      expect(await listIds(t, 'from=2025-04-01&to=2025-04-01')).toEqual([ids.kcCritical]);
      expect((await listIds(t, 'assignee=none')).length).toBe(3);
      expect(await listIds(t, 'assignee=me')).toEqual([]);
    });

    it('sorts by severity and warning time in both directions and paginates with a total', async () => {
      const t = f.cityLead.token;
      expect(await listIds(t, 'sort=severity&order=desc')).toEqual([ids.kcCritical, ids.qjHigh, ids.qjLow]);
      expect(await listIds(t, 'sort=severity&order=asc')).toEqual([ids.qjLow, ids.qjHigh, ids.kcCritical]);
      expect(await listIds(t, 'sort=lastWarningAt&order=asc')).toEqual([ids.qjHigh, ids.qjLow, ids.kcCritical]);
      const p1 = await as(t).get('/cases?sort=lastWarningAt&order=asc&pageSize=2&page=1').expect(200);
      const p2 = await as(t).get('/cases?sort=lastWarningAt&order=asc&pageSize=2&page=2').expect(200);
      expect(p1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect([...p1.body.items, ...p2.body.items].map((c: { id: string }) => c.id)).toEqual([ids.qjHigh, ids.qjLow, ids.kcCritical]);
    });

    it('refuses unknown filters and malformed values with 400 VALIDATION_FAILED', async () => {
      for (const query of ['colour=red', 'status=archived', 'severity=extreme', 'regionCode=33', 'unitId=abc', 'assignee=someone', 'from=2025-13-01', 'sort=name', 'order=up', 'pageSize=500', 'model=DROP TABLE']) {
        const res = await as(f.cityLead.token).get(`/cases?${query}`);
        expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
      }
      expect((await as(f.cityLead.token).get('/cases/export.csv?colour=red')).status).toBe(400);
    });

    it('exports the filtered queue as CSV within the jurisdiction', async () => {
      const res = await as(f.qujiang.token).get('/cases/export.csv?sort=severity').expect(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const text = res.text;
      expect(text.startsWith('\uFEFF线索编号,模型')).toBe(true);
      expect(text).toContain(ids.qjHigh);
      expect(text).toContain(ids.qjLow);
      expect(text).toContain('重复领补');
      expect(text).not.toContain(ids.kcCritical);
      expect(text).not.toContain(ids.hangzhou);
      expect(text.indexOf(ids.qjHigh)).toBeLessThan(text.indexOf(ids.qjLow));
    });
  });

  describe('jurisdiction over every case route: outside it a case answers as if it did not exist', () => {
    /** Every route under /cases/:id, with a valid body, so only jurisdiction can refuse it. */
    const CASE_ROUTES: Record<string, (caseId: string) => [string, string, object | undefined]> = {
      'GET /cases/:id': (id) => ['get', `/cases/${id}`, undefined],
      'GET /cases/:id/audit': (id) => ['get', `/cases/${id}/audit`, undefined],
      'GET /cases/:id/file.csv': (id) => ['get', `/cases/${id}/file.csv`, undefined],
      'GET /cases/:id/attachments/:attachmentId': (id) => ['get', `/cases/${id}/attachments/${randomUUID()}`, undefined],
      'POST /cases/:id/take': (id) => ['post', `/cases/${id}/take`, {}],
      'POST /cases/:id/assign': (id) => ['post', `/cases/${id}/assign`, { assigneeId: f.kecheng.id }],
      'POST /cases/:id/start': (id) => ['post', `/cases/${id}/start`, {}],
      'POST /cases/:id/close': (id) => ['post', `/cases/${id}/close`, { resolution: 'dismissed', reason: '越权' }],
      'POST /cases/:id/reopen': (id) => ['post', `/cases/${id}/reopen`, { reason: '越权' }],
      'POST /cases/:id/notes': (id) => ['post', `/cases/${id}/notes`, { body: '越权记录' }],
      'POST /cases/:id/attachments': (id) => ['post', `/cases/${id}/attachments`, { fileName: 'a.txt', contentType: 'text/plain', contentBase64: Buffer.from('x').toString('base64') }],
      'POST /cases/:id/snooze': (id) => ['post', `/cases/${id}/snooze`, { reason: '越权', until: new Date(Date.now() + 10 * 86400_000).toISOString().slice(0, 10) }],
    };

    it('the table above covers every /cases/:id route the service registers', () => {
      const instance = h.app.getHttpAdapter().getInstance() as { router?: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
      const routes = (instance.router?.stack ?? [])
        .filter((l) => l.route && Object.keys(l.route.methods).length < METHODS.length - 1)
        .flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m.toUpperCase()} ${l.route!.path}`))
        .filter((r) => r.split(' ')[1].startsWith('/cases/:id'));
      expect(routes.sort()).toEqual(Object.keys(CASE_ROUTES).sort());
    });

    it('a 柯城 inspector (and lead powers do not help) gets 404 CASE_NOT_FOUND on every route for a 衢江 case, and nothing changes', async () => {
      const caseId = await f.insertCase({ regionCode: '330803', severity: 'high' });
      // make the 柯城 inspector a lead too: leads act only inside their own jurisdiction
      await h.dataSource.query(`INSERT INTO risk_inspector_leads (staff_id, granted_by) VALUES ($1, $1)`, [f.kecheng.id]);
      try {
        for (const [route, build] of Object.entries(CASE_ROUTES)) {
          const [verb, path, body] = build(caseId);
          const before = await row(caseId);
          let req = request(http())[verb as 'get' | 'post'](path).set('Authorization', `Bearer ${f.kecheng.token}`);
          if (body) req = req.send(body);
          const res = await req;
          expect({ route, status: res.status, code: res.body.code }).toEqual({ route, status: 404, code: 'CASE_NOT_FOUND' });
          expect(await row(caseId)).toEqual(before);
        }
        // the same routes work for the 衢江 inspector (the case exists): e.g. the detail
        await as(f.qujiang.token).get(`/cases/${caseId}`).expect(200);
        expect(await auditCount(caseId)).toBe(0);
        const [{ n }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM risk_case_notes WHERE case_id = $1`, [caseId])) as { n: number }[];
        expect(n).toBe(0);
        // a random id answers the same way as the out-of-jurisdiction one
        const missing = await as(f.kecheng.token).get(`/cases/${randomUUID()}`).expect(404);
        expect(missing.body.code).toBe('CASE_NOT_FOUND');
        // bulk with one case outside the jurisdiction: 404, nothing assigned
        const own = await f.insertCase({ regionCode: '330802' });
        const bulk = await as(f.kecheng.token).post('/cases/bulk', { action: 'assign', caseIds: [own, caseId], assigneeId: f.kecheng.id });
        expect({ status: bulk.status, code: bulk.body.code }).toEqual({ status: 404, code: 'CASE_NOT_FOUND' });
        expect((await row(own)).status).toBe('new');
        // take-next never reaches outside the jurisdiction: the 衢江 case stays new
        const taken: string[] = [];
        for (;;) {
          const res = await as(f.kecheng.token).post('/cases/take-next');
          if (res.status === 404) break;
          taken.push(res.body.case.regionCode);
        }
        expect(taken.every((r) => r.startsWith('330802'))).toBe(true);
        expect((await row(caseId)).status).toBe('new');
      } finally {
        await h.dataSource.query(`DELETE FROM risk_inspector_leads WHERE staff_id = $1`, [f.kecheng.id]);
      }
    });

    it('lists outside the case routes are limited too: snoozes, inspectors, dashboard, quality', async () => {
      const inspectors = (await as(f.kecheng.token).get('/inspectors').expect(200)).body as { regionCode: string }[];
      expect(inspectors.length).toBeGreaterThan(0);
      expect(inspectors.every((i) => i.regionCode.startsWith('330802'))).toBe(true);
      const dash = await as(f.kecheng.token).get('/dashboard?from=2025-01&to=2025-12').expect(200);
      expect(dash.body.regionPrefix).toBe('330802');
      const quality = await as(f.kecheng.token).get('/quality/models').expect(200);
      expect(quality.body.models.length).toBeGreaterThanOrEqual(6);
      const snoozes = await as(f.kecheng.token).get('/snoozes').expect(200);
      expect((snoozes.body.items as { regionCode: string }[]).every((s) => s.regionCode.startsWith('330802'))).toBe(true);
    });
  });

  describe('the workflow and its audit trail', () => {
    it('take → start → note → attachment → close → reopen → start → close: each step allowed once, every step audited with from/to', async () => {
      const caseId = await f.insertCase({ regionCode: '330803', severity: 'high', at: '2025-05-06T03:00:00.000Z' });
      const q = as(f.qujiang.token);
      const q2 = as(f.qujiang2.token);

      // not assigned yet: start and close are illegal
      await refused(caseId, () => q.post(`/cases/${caseId}/start`), 409, 'CASE_TRANSITION_NOT_ALLOWED');
      await refused(caseId, () => q.post(`/cases/${caseId}/close`, { resolution: 'confirmed', reason: 'x' }), 403, 'CASE_NOT_ASSIGNEE');
      await refused(caseId, () => q.post(`/cases/${caseId}/reopen`, { reason: 'x' }), 409, 'CASE_TRANSITION_NOT_ALLOWED');
      // a non-lead cannot assign
      await refused(caseId, () => q.post(`/cases/${caseId}/assign`, { assigneeId: f.qujiang.id }), 403, 'INSPECTOR_LEAD_REQUIRED');

      const taken = await q.post(`/cases/${caseId}/take`).expect(200);
      expect(taken.body).toMatchObject({ status: 'assigned', assigneeId: f.qujiang.id, assigneeName: f.qujiang.name });
      // someone else can no longer take it, start it or annotate it
      await refused(caseId, () => q2.post(`/cases/${caseId}/take`), 409, 'CASE_TRANSITION_NOT_ALLOWED');
      await refused(caseId, () => q2.post(`/cases/${caseId}/start`), 403, 'CASE_NOT_ASSIGNEE');
      await refused(caseId, () => q2.post(`/cases/${caseId}/notes`, { body: '别人的记录' }), 403, 'CASE_NOT_ASSIGNEE');
      // the assignee cannot close before investigating
      await refused(caseId, () => q.post(`/cases/${caseId}/close`, { resolution: 'confirmed', reason: 'x' }), 409, 'CASE_TRANSITION_NOT_ALLOWED');

      await q.post(`/cases/${caseId}/start`).expect(200);
      await refused(caseId, () => q.post(`/cases/${caseId}/start`), 409, 'CASE_TRANSITION_NOT_ALLOWED');

      // notes: at most 2,000 characters; empty or too long is refused and stores nothing
      await refused(caseId, () => q.post(`/cases/${caseId}/notes`, { body: '长'.repeat(2001) }), 400, 'VALIDATION_FAILED');
      await refused(caseId, () => q.post(`/cases/${caseId}/notes`, { body: '' }), 400, 'VALIDATION_FAILED');
      await refused(caseId, () => q.post(`/cases/${caseId}/notes`, { body: 'ok', extra: 1 }), 400, 'VALIDATION_FAILED');
      const note = await q.post(`/cases/${caseId}/notes`, { body: '长'.repeat(2000) }).expect(201);
      expect(note.body.body).toHaveLength(2000);

      // attachments: type, size and content checked; stored bytes come back identical
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1000, 7)]);
      await refused(caseId, () => q.post(`/cases/${caseId}/attachments`, { fileName: 'x.exe', contentType: 'application/x-msdownload', contentBase64: pdf.toString('base64') }), 400, 'ATTACHMENT_TYPE_NOT_ALLOWED');
      await refused(caseId, () => q.post(`/cases/${caseId}/attachments`, { fileName: 'fake.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('not a pdf').toString('base64') }), 400, 'ATTACHMENT_TYPE_NOT_ALLOWED');
      await refused(caseId, () => q.post(`/cases/${caseId}/attachments`, { fileName: 'big.txt', contentType: 'text/plain', contentBase64: Buffer.alloc(512 * 1024 + 1, 65).toString('base64') }), 400, 'ATTACHMENT_TOO_LARGE');
      await refused(caseId, () => q.post(`/cases/${caseId}/attachments`, { fileName: 'bad.txt', contentType: 'text/plain', contentBase64: '!!!notbase64' }), 400, 'ATTACHMENT_INVALID');
      await refused(caseId, () => q.post(`/cases/${caseId}/attachments`, { fileName: '../etc/passwd', contentType: 'text/plain', contentBase64: 'eA==' }), 400, 'VALIDATION_FAILED');
      const attachment = await q.post(`/cases/${caseId}/attachments`, { fileName: '询问笔录.pdf', contentType: 'application/pdf', contentBase64: pdf.toString('base64') }).expect(201);
      expect(attachment.body).toMatchObject({ fileName: '询问笔录.pdf', sizeBytes: pdf.length, contentType: 'application/pdf' });
      const download = await q.get(`/cases/${caseId}/attachments/${attachment.body.id}`).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(Buffer.compare(download.body as Buffer, pdf)).toBe(0);
      expect(download.headers['content-disposition']).toContain('attachment');

      // close: a resolution from the list and a reason are required
      await refused(caseId, () => q.post(`/cases/${caseId}/close`, { resolution: 'maybe', reason: 'x' }), 400, 'VALIDATION_FAILED');
      await refused(caseId, () => q.post(`/cases/${caseId}/close`, { resolution: 'confirmed' }), 400, 'VALIDATION_FAILED');
      const closed = await q.post(`/cases/${caseId}/close`, { resolution: 'confirmed', reason: '经核实属实' }).expect(200);
      expect(closed.body).toMatchObject({ status: 'closed', resolution: 'confirmed' });
      expect(closed.body.closedAt).not.toBeNull();
      await refused(caseId, () => q.post(`/cases/${caseId}/close`, { resolution: 'dismissed', reason: 'again' }), 409, 'CASE_TRANSITION_NOT_ALLOWED');
      await refused(caseId, () => q.post(`/cases/${caseId}/start`), 409, 'CASE_TRANSITION_NOT_ALLOWED');
      await refused(caseId, () => q2.post(`/cases/${caseId}/reopen`, { reason: '不是我的' }), 403, 'CASE_NOT_ASSIGNEE');

      const reopened = await q.post(`/cases/${caseId}/reopen`, { reason: '发现新证据' }).expect(200);
      expect(reopened.body).toMatchObject({ status: 'assigned', assigneeId: f.qujiang.id, resolution: null, closedAt: null });
      await q.post(`/cases/${caseId}/start`).expect(200);
      // a lead reassigns while investigating: back to assigned, for the new inspector
      const reassigned = await as(f.cityLead.token).post(`/cases/${caseId}/assign`, { assigneeId: f.qujiang2.id }).expect(200);
      expect(reassigned.body).toMatchObject({ status: 'assigned', assigneeId: f.qujiang2.id });
      // assigning to someone whose jurisdiction does not cover the case is refused
      await refused(caseId, () => as(f.cityLead.token).post(`/cases/${caseId}/assign`, { assigneeId: f.kecheng.id }), 422, 'CASE_ASSIGNEE_NOT_ELIGIBLE');
      await refused(caseId, () => as(f.cityLead.token).post(`/cases/${caseId}/assign`, { assigneeId: f.plainDiner.id }), 422, 'CASE_ASSIGNEE_NOT_ELIGIBLE');
      await q2.post(`/cases/${caseId}/start`).expect(200);
      await q2.post(`/cases/${caseId}/close`, { resolution: 'dismissed', reason: '复核为误报' }).expect(200);

      const trail = (await q.get(`/cases/${caseId}/audit`).expect(200)).body as { action: string; actorId: string; changes: Record<string, { from: unknown; to: unknown }>; detail: Record<string, unknown>; at: string; id: string }[];
      expect(trail.map((e) => [e.action, e.actorId, e.changes])).toEqual([
        ['case.taken', f.qujiang.id, { status: { from: 'new', to: 'assigned' }, assigneeId: { from: null, to: f.qujiang.id } }],
        ['case.started', f.qujiang.id, { status: { from: 'assigned', to: 'investigating' } }],
        ['case.note-added', f.qujiang.id, {}],
        ['case.attachment-added', f.qujiang.id, {}],
        ['case.closed', f.qujiang.id, { status: { from: 'investigating', to: 'closed' }, resolution: { from: null, to: 'confirmed' } }],
        ['case.reopened', f.qujiang.id, { status: { from: 'closed', to: 'assigned' }, resolution: { from: 'confirmed', to: null } }],
        ['case.started', f.qujiang.id, { status: { from: 'assigned', to: 'investigating' } }],
        ['case.assigned', f.cityLead.id, { status: { from: 'investigating', to: 'assigned' }, assigneeId: { from: f.qujiang.id, to: f.qujiang2.id } }],
        ['case.started', f.qujiang2.id, { status: { from: 'assigned', to: 'investigating' } }],
        ['case.closed', f.qujiang2.id, { status: { from: 'investigating', to: 'closed' }, resolution: { from: null, to: 'dismissed' } }],
      ]);
      expect(trail[2].detail).toMatchObject({ noteId: note.body.id, length: 2000 });
      expect(trail[3].detail).toMatchObject({ attachmentId: attachment.body.id, sizeBytes: pdf.length });
      expect(trail[4].detail).toMatchObject({ reason: '经核实属实' });
      expect(trail[5].detail).toMatchObject({ reason: '发现新证据' });
      expect(trail[7].detail).toMatchObject({ assigneeName: f.qujiang2.name });
      const times = trail.map((e) => e.at);
      expect([...times].sort()).toEqual(times);

      // the case file CSV carries the whole story, and exporting it is itself audited
      const file = await q.get(`/cases/${caseId}/file.csv`).expect(200);
      for (const section of ['【线索】', '【预警】', '【证据时间线】', '【核查记录】', '【附件】', '【操作记录】']) expect(file.text).toContain(section);
      expect(file.text).toContain('询问笔录.pdf');
      expect(file.text).toContain('复核为误报');
      const after = (await q.get(`/cases/${caseId}/audit`).expect(200)).body as { action: string }[];
      expect(after.map((e) => e.action)).toEqual([...trail.map((e) => e.action), 'case.exported']);
    });

    it('the audit trail cannot be changed: no API route edits it and the database refuses UPDATE, DELETE and TRUNCATE', async () => {
      const caseId = await f.insertCase({ regionCode: '330803' });
      await as(f.qujiang.token).post(`/cases/${caseId}/take`).expect(200);
      await as(f.qujiang.token).post(`/cases/${caseId}/notes`, { body: '原始记录' }).expect(201);
      for (const verb of ['put', 'patch', 'delete'] as const) {
        const res = await request(http())[verb](`/cases/${caseId}/audit`).set('Authorization', `Bearer ${f.cityLead.token}`).send({});
        expect(res.status).toBe(404);
      }
      await expect(h.dataSource.query(`UPDATE risk_case_audit SET actor_name = 'forged' WHERE case_id = $1`, [caseId])).rejects.toThrow(/append-only/);
      await expect(h.dataSource.query(`DELETE FROM risk_case_audit WHERE case_id = $1`, [caseId])).rejects.toThrow(/append-only/);
      await expect(h.dataSource.query(`TRUNCATE risk_case_audit`)).rejects.toThrow(/append-only/);
      await expect(h.dataSource.query(`UPDATE risk_case_notes SET body = 'forged' WHERE case_id = $1`, [caseId])).rejects.toThrow(/append-only/);
      await expect(h.dataSource.query(`DELETE FROM risk_case_notes WHERE case_id = $1`, [caseId])).rejects.toThrow(/append-only/);
      const trail = (await as(f.qujiang.token).get(`/cases/${caseId}/audit`).expect(200)).body as { actorName: string }[];
      expect(trail).toHaveLength(2);
      expect(trail[0].actorName).toBe(f.qujiang.name);
    });

    it('a closed case cannot be reopened while a newer open case of the same subject and model exists', async () => {
      const subjectId = randomUUID();
      const old = await f.insertCase({ regionCode: '330803', subjectId });
      await as(f.cityLead.token).post(`/cases/${old}/close`, { resolution: 'dismissed', reason: '误报' }).expect(200);
      await f.insertCase({ regionCode: '330803', subjectId });
      await refused(old, () => as(f.cityLead.token).post(`/cases/${old}/reopen`, { reason: '再查' }), 409, 'CASE_REOPEN_CONFLICT');
    });

    it('bulk actions (lead): assign several, close several; all or nothing on an illegal transition', async () => {
      const a = await f.insertCase({ regionCode: '330803' });
      const b = await f.insertCase({ regionCode: '330803' });
      const c = await f.insertCase({ regionCode: '330803' });
      await refused(a, () => as(f.qujiang.token).post('/cases/bulk', { action: 'assign', caseIds: [a, b], assigneeId: f.qujiang.id }), 403, 'INSPECTOR_LEAD_REQUIRED');
      const assigned = await as(f.cityLead.token).post('/cases/bulk', { action: 'assign', caseIds: [a, b], assigneeId: f.qujiang2.id }).expect(200);
      expect(assigned.body.items.map((x: { id: string; status: string; assigneeId: string }) => [x.id, x.status, x.assigneeId])).toEqual([
        [a, 'assigned', f.qujiang2.id],
        [b, 'assigned', f.qujiang2.id],
      ]);
      await as(f.cityLead.token).post(`/cases/${c}/close`, { resolution: 'dismissed', reason: '误报' }).expect(200);
      // c is closed already: the whole bulk close is refused, a and b stay assigned
      await refused(a, () => as(f.cityLead.token).post('/cases/bulk', { action: 'close', caseIds: [a, b, c], resolution: 'dismissed', reason: '批量误报' }), 409, 'CASE_TRANSITION_NOT_ALLOWED');
      expect((await row(b)).status).toBe('assigned');
      const closed = await as(f.cityLead.token).post('/cases/bulk', { action: 'close', caseIds: [a, b], resolution: 'dismissed', reason: '批量误报' }).expect(200);
      expect(closed.body.items.every((x: { status: string; resolution: string }) => x.status === 'closed' && x.resolution === 'dismissed')).toBe(true);
      const [{ bulkIds }] = (await h.dataSource.query(
        `SELECT count(DISTINCT detail->>'bulkId')::int AS "bulkIds" FROM risk_case_audit WHERE case_id = ANY($1::uuid[]) AND action = 'case.closed' AND detail ? 'bulkId'`,
        [[a, b]],
      )) as { bulkIds: number }[];
      expect(bulkIds).toBe(1);
      for (const body of [
        { action: 'close', caseIds: [a] },
        { action: 'assign', caseIds: [a] },
        { action: 'delete', caseIds: [a] },
        { action: 'close', caseIds: [], resolution: 'dismissed', reason: 'x' },
        { action: 'close', caseIds: Array.from({ length: 101 }, () => randomUUID()), resolution: 'dismissed', reason: 'x' },
      ]) {
        expect((await as(f.cityLead.token).post('/cases/bulk', body)).status).toBe(400);
      }
    });
  });

  describe('take the next case: one case to one inspector, under real concurrency', () => {
    it('30 concurrent requests from 3 inspectors over 30 new cases: 30 distinct cases, no collision, then the queue is empty', async () => {
      // a region of its own so earlier tests' cases do not interfere
      await h.dataSource.query(`INSERT INTO regions (code, name, level, parent_code) VALUES ('330881', '江山市', 'county', '330800') ON CONFLICT DO NOTHING`);
      const tokens: { id: string; token: string }[] = [];
      for (const name of ['甲', '乙', '丙']) {
        const [s] = (await h.dataSource.query(`INSERT INTO staff (unit_id, staff_number, external_identity_id, name) VALUES ($1, $2, $3, $4) RETURNING id`, [
          h.fixture.unitA.id,
          `JS-${name}-${randomUUID().slice(0, 6)}`,
          `zzd-js-${randomUUID()}`,
          `江山${name}`,
        ])) as { id: string }[];
        await h.dataSource.query(`INSERT INTO role_assignments (staff_id, role, region_code) VALUES ($1, 'inspector', '330881')`, [s.id]);
        tokens.push({ id: s.id, token: h.app.get(TokenIssuer).issue({ subject: s.id, kind: 'staff', roles: [Role.Inspector], name: `江山${name}`, regionCode: '330881' }).accessToken });
      }
      const severities = ['low', 'medium', 'high', 'critical'] as const;
      const created: string[] = [];
      for (let i = 0; i < 30; i += 1) created.push(await f.insertCase({ regionCode: '330881', severity: severities[i % 4], at: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() }));

      // a real listening server and 30 simultaneous HTTP requests (each its own connection and database transaction)
      const server = await h.app.listen(0, '127.0.0.1');
      const port = (server.address() as AddressInfo).port;
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => tokens[i % 3]).map(async (t) => {
          const res = await fetch(`http://127.0.0.1:${port}/cases/take-next`, { method: 'POST', headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' }, body: '{}' });
          const body = (await res.json()) as { case?: { id: string; assigneeId: string } };
          return { status: res.status, caseId: body.case?.id, assigneeId: body.case?.assigneeId, who: t.id };
        }),
      );
      expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
      const taken = results.map((r) => r.caseId);
      expect(new Set(taken).size).toBe(30);
      expect([...taken].sort()).toEqual([...created].sort());
      expect(results.every((r) => r.assigneeId === r.who)).toBe(true);
      // the database agrees: each case assigned once, to the inspector whose answer named it, with exactly one audit entry
      const rows = (await h.dataSource.query(
        `SELECT c.id, c.assignee_id, count(a.id)::int AS audits FROM risk_cases c JOIN risk_case_audit a ON a.case_id = c.id AND a.action = 'case.taken'
          WHERE c.id = ANY($1::uuid[]) GROUP BY c.id, c.assignee_id`,
        [created],
      )) as { id: string; assignee_id: string; audits: number }[];
      expect(rows).toHaveLength(30);
      expect(rows.every((r) => r.audits === 1 && results.find((x) => x.caseId === r.id)?.who === r.assignee_id)).toBe(true);
      const empty = await request(http()).post('/cases/take-next').set('Authorization', `Bearer ${tokens[0].token}`).send({});
      expect({ status: empty.status, code: empty.body.code }).toEqual({ status: 404, code: 'CASE_QUEUE_EMPTY' });
    });

    it('takes the most severe, then the oldest, new case first; the model filter is honoured', async () => {
      const low = await f.insertCase({ regionCode: '330803', severity: 'low', at: '2024-01-01T00:00:00.000Z' });
      const critical = await f.insertCase({ regionCode: '330803', severity: 'critical', at: '2025-06-01T00:00:00.000Z' });
      const criticalOlder = await f.insertCase({ regionCode: '330803', severity: 'critical', at: '2025-05-01T00:00:00.000Z' });
      const flow = await f.insertCase({ regionCode: '330803', severity: 'low', model: 'unusual-flow', at: '2025-07-01T00:00:00.000Z' });
      const first = await as(f.qujiang2.token).post('/cases/take-next').expect(200);
      const second = await as(f.qujiang2.token).post('/cases/take-next').expect(200);
      expect([first.body.case.id, second.body.case.id]).toEqual([criticalOlder, critical]);
      const byModel = await as(f.qujiang2.token).post('/cases/take-next', { model: 'unusual-flow' }).expect(200);
      expect(byModel.body.case.id).toBe(flow);
      expect((await row(low)).status).toBe('new');
    });

    it('ten concurrent takes of one particular case: exactly one wins, nine get 409', async () => {
      const caseId = await f.insertCase({ regionCode: '330803' });
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => as([f.qujiang, f.qujiang2, f.cityLead][i % 3].token).post(`/cases/${caseId}/take`)));
      expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
      expect(answers.filter((r) => r.status === 409 && r.body.code === 'CASE_TRANSITION_NOT_ALLOWED')).toHaveLength(9);
      expect(await auditCount(caseId)).toBe(1);
    });
  });

  describe('case detail: explanation, evidence timeline, map data, hosted-whom graph', () => {
    it('a location warning gives the timeline and the scan against the geofence', async () => {
      const canteen = h.fixture.canteenA;
      const caseId = await f.insertCase({ regionCode: '330803', model: 'proxy-or-fake-scan', evidence: geofenceEvidence(canteen, '2025-03-03T04:01:00.000Z'), explanation: '扫码位置超出电子围栏' });
      const d = (await as(f.qujiang.token).get(`/cases/${caseId}`).expect(200)).body;
      expect(d.modelTitle).toBe('代扫/虚假扫码');
      expect(d.warnings[0].explanation).toBe('扫码位置超出电子围栏');
      expect(d.timeline).toHaveLength(1);
      expect(d.timeline[0]).toMatchObject({ kind: 'meal', facts: { canteenName: canteen.name, slot: 'lunch' }, amountFen: 2000 });
      expect(d.map.points).toHaveLength(1);
      expect(d.map.points[0]).toMatchObject({ canteenLatitude: canteen.latitude, geofenceRadiusM: 200, withinGeofence: false, distanceMeters: 2400 });
      expect(d.graph).toBeNull();
      expect(d.permissions).toMatchObject({ lead: false, canTake: true, canStart: false, canAssign: false });
    });

    it('a mutual-treating case gives the graph: A hosted B and B hosted A', async () => {
      const a = h.fixture.unitA;
      const b = h.fixture.unitB;
      const caseId = await f.insertCase({ regionCode: '330802', model: 'mutual-treating', subjectType: 'unit-pair', subjectId: `${[a.id, b.id].sort().join('+')}+detail`, evidence: mutualTreatingEvidence(a, b) });
      const d = (await as(f.cityLead.token).get(`/cases/${caseId}`).expect(200)).body;
      expect(d.graph.nodes).toEqual(expect.arrayContaining([{ id: a.id, name: a.name }, { id: b.id, name: b.name }]));
      expect(d.graph.edges.map((e: { host: string; guest: string; date: string }) => [e.host, e.guest, e.date])).toEqual([
        [a.id, b.id, '2025-03-01'],
        [b.id, a.id, '2025-03-20'],
      ]);
      expect(d.timeline.map((t: { kind: string; facts: { hostUnitName: string } }) => [t.kind, t.facts.hostUnitName])).toEqual([
        ['reception-record', a.name],
        ['reception-record', b.name],
      ]);
      expect(d.map).toBeNull();
      expect(d.permissions).toMatchObject({ lead: true, canAssign: true, canClose: true, canSnooze: true });
    });
  });

  describe('snooze a model for one subject (through the real Kafka pipeline)', () => {
    const publishMeals = async (date: string, slot: 'breakfast' | 'lunch' | 'dinner', hour: number): Promise<string[]> => {
      const fx = h.fixture;
      const base = { dinerId: fx.diner.id, dinerUnitId: fx.unitA.id, dinerRegionCode: '330803', mealDate: date, slot, distanceMeters: 5 };
      const first = sampleMealScanned({ ...base, canteenId: fx.canteenA.id, canteenOwnerUnitId: fx.canteenA.ownerUnitId, canteenRegionCode: '330802', scanLatitude: fx.canteenA.latitude, scanLongitude: fx.canteenA.longitude, scannedAt: `${date}T${String(hour).padStart(2, '0')}:01:00.000Z` });
      const second = sampleMealScanned({ ...base, canteenId: fx.canteenB.id, canteenOwnerUnitId: fx.canteenB.ownerUnitId, canteenRegionCode: '330803', scanLatitude: fx.canteenB.latitude, scanLongitude: fx.canteenB.longitude, scannedAt: `${date}T${String(hour).padStart(2, '0')}:20:00.000Z` });
      const events = [first, second].map((e) => ({ ...e, aggregateId: fx.diner.id }));
      await h.app.get(EventPublisher).publish(Topics.MealEvents, events);
      return events.map((e) => e.eventId);
    };
    const processed = async (ids: string[]): Promise<boolean> =>
      ((await h.dataSource.query(`SELECT count(*)::int AS n FROM processed_events WHERE consumer_group = 'risk.models' AND event_id = ANY($1::uuid[])`, [ids])) as { n: number }[])[0].n === ids.length;
    const twoMealWarnings = async (): Promise<{ case_id: string }[]> =>
      (await h.dataSource.query(`SELECT case_id FROM risk_warnings WHERE model_key = 'two-meals-one-slot' AND subject_id = $1 AND dedupe_key LIKE 'two-meals:%'`, [h.fixture.diner.id])) as { case_id: string }[];

    it('a lead snoozes: no warning and no case for that subject+model until the end date; lifting it restores them', async () => {
      const first = await publishMeals('2025-08-04', 'lunch', 4);
      await waitFor('the first warning', async () => (await processed(first)) && (await twoMealWarnings()).length >= 1, 60_000);
      const [{ case_id: caseId }] = await twoMealWarnings();
      const count = (await twoMealWarnings()).length;

      // only a lead may snooze; dates in the past or too far ahead are refused
      await refused(caseId, () => as(f.qujiang.token).post(`/cases/${caseId}/snooze`, { reason: '已核实为正常', until: '2099-01-01' }), 403, 'INSPECTOR_LEAD_REQUIRED');
      await refused(caseId, () => as(f.cityLead.token).post(`/cases/${caseId}/snooze`, { reason: '已核实', until: '2020-01-01' }), 400, 'SNOOZE_UNTIL_INVALID');
      await refused(caseId, () => as(f.cityLead.token).post(`/cases/${caseId}/snooze`, { reason: '已核实', until: '2099-01-01' }), 400, 'SNOOZE_UNTIL_INVALID');
      await refused(caseId, () => as(f.cityLead.token).post(`/cases/${caseId}/snooze`, { reason: '', until: '2025-12-01' }), 400, 'VALIDATION_FAILED');
      const until = new Date(Date.now() + 8 * 3600_000 + 30 * 86400_000).toISOString().slice(0, 10);
      const snooze = await as(f.cityLead.token).post(`/cases/${caseId}/snooze`, { reason: '出差期间统一安排就餐，已核实', until }).expect(201);
      expect(snooze.body).toMatchObject({ active: true, until, modelKey: 'two-meals-one-slot', subjectId: h.fixture.diner.id, suppressedCount: 0 });
      await refused(caseId, () => as(f.cityLead.token).post(`/cases/${caseId}/snooze`, { reason: '再次', until }), 409, 'SNOOZE_EXISTS');
      const casesBefore = ((await h.dataSource.query(`SELECT warning_count FROM risk_cases WHERE id = $1`, [caseId])) as { warning_count: number }[])[0].warning_count;

      const silenced = await publishMeals('2025-08-05', 'dinner', 10);
      await waitFor('the snoozed events', () => processed(silenced));
      expect((await twoMealWarnings()).length).toBe(count);
      expect(((await h.dataSource.query(`SELECT warning_count FROM risk_cases WHERE id = $1`, [caseId])) as { warning_count: number }[])[0].warning_count).toBe(casesBefore);
      const [{ suppressed_count }] = (await h.dataSource.query(`SELECT suppressed_count FROM risk_snoozes WHERE id = $1`, [snooze.body.id])) as { suppressed_count: number }[];
      expect(suppressed_count).toBe(1);

      const listed = await as(f.qujiang.token).get('/snoozes?active=true').expect(200);
      expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(snooze.body.id);
      expect((await as(f.kecheng.token).get('/snoozes').expect(200)).body.items.map((s: { id: string }) => s.id)).not.toContain(snooze.body.id);
      expect((await as(f.kecheng.token).post(`/snoozes/${snooze.body.id}/lift`)).status).toBe(403);
      await as(f.cityLead.token).post(`/snoozes/${snooze.body.id}/lift`).expect(200);
      const restored = await publishMeals('2025-08-06', 'breakfast', 0);
      await waitFor('the warning after the lift', async () => (await processed(restored)) && (await twoMealWarnings()).length === count + 1);
      const trail = (await as(f.cityLead.token).get(`/cases/${caseId}/audit`).expect(200)).body as { action: string; changes: object }[];
      expect(trail.map((e) => e.action)).toEqual(['case.snoozed', 'snooze.lifted']);
      expect(trail[0].changes).toEqual({ snoozedUntil: { from: null, to: until } });
    });
  });

  describe('dashboard, quality figures and the console login', () => {
    it('quality counts confirmed, dismissed and inconclusive per model and the precision', async () => {
      const res = await as(h.tokens.admin).get('/quality/models').expect(200);
      const two = res.body.models.find((m: { modelKey: string }) => m.modelKey === 'two-meals-one-slot');
      const [{ confirmed, dismissed }] = (await h.dataSource.query(
        `SELECT count(*) FILTER (WHERE resolution = 'confirmed')::int AS confirmed, count(*) FILTER (WHERE resolution = 'dismissed')::int AS dismissed FROM risk_cases WHERE model_key = 'two-meals-one-slot'`,
      )) as { confirmed: number; dismissed: number }[];
      expect(dismissed).toBeGreaterThan(0);
      expect(two).toMatchObject({ title: '同餐次重复就餐', confirmed, dismissed });
      expect(two.precision).toBeCloseTo(confirmed / (confirmed + dismissed), 3);
      expect((await as(h.tokens.admin).get('/quality/models?from=2025-05&to=2025-01')).body.code).toBe('MONTH_RANGE_INVALID');
    });

    it('the dashboard aggregates warnings, open cases, canteen use with unit-paid spending, and receptions', async () => {
      await h.dataSource.query(
        `INSERT INTO risk_meal_facts (meal_id, event_id, diner_id, diner_unit_id, diner_region_code, canteen_id, canteen_owner_unit_id, canteen_region_code, slot, meal_date,
           scanned_at, price_fen, payer, payment_kind, scan_latitude, scan_longitude, distance_meters, within_geofence)
         SELECT gen_random_uuid(), gen_random_uuid(), 'd' || i, 'u', '330803', 'c-dash', 'o', '330803', 'lunch', DATE '2024-02-10', now(), 1500 + i, CASE WHEN i % 2 = 0 THEN 'unit' ELSE 'self' END, 'x', 0, 0, 0, true
           FROM generate_series(1, 10) i`,
      );
      await h.dataSource.query(
        `INSERT INTO risk_reception_records (record_id, event_id, host_unit_id, guest_unit_ids, date, headcount, amount_fen, official_letter_ref, place, occurred_at)
         VALUES ('dash-1', gen_random_uuid(), $1, ARRAY[$2], DATE '2024-02-11', 3, 30000, NULL, '食堂', now()), ('dash-2', gen_random_uuid(), $1, ARRAY[$2], DATE '2024-02-12', 3, 12345, '函1', '食堂', now())`,
        [h.fixture.unitA.id, h.fixture.unitB.id],
      );
      const d = (await as(f.qujiang.token).get('/dashboard?from=2024-01&to=2025-12').expect(200)).body;
      const feb = d.canteenUse.find((r: { month: string }) => r.month === '2024-02');
      // unit-paid: i = 2, 4, 6, 8, 10 → 1502 + 1504 + 1506 + 1508 + 1510
      expect(feb).toMatchObject({ meals: 10, diners: 10, canteens: 1, unitPaidMeals: 5, unitPaidFen: 7530 });
      expect(d.receptionTrend.find((r: { month: string }) => r.month === '2024-02')).toEqual({ month: '2024-02', receptions: 2, amountFen: 42345, withoutLetter: 1 });
      // the 柯城 inspector does not see 衢江's canteen or receptions
      const kc = (await as(f.kecheng.token).get('/dashboard?from=2024-01&to=2025-12').expect(200)).body;
      expect(kc.canteenUse.find((r: { month: string }) => r.month === '2024-02')).toBeUndefined();
      expect(kc.receptionTrend).toEqual([]);
      const warningMonths = d.warningsByModelMonth as { month: string; modelKey: string; count: number }[];
      const [{ n }] = (await h.dataSource.query(`SELECT count(*)::int AS n FROM risk_warnings WHERE region_code LIKE '330803%' AND business_date BETWEEN '2024-01-01' AND '2025-12-31'`)) as { n: number }[];
      expect(warningMonths.reduce((s, r) => s + r.count, 0)).toBe(n);
      expect(d.warningsByRegion).toEqual([{ regionCode: '330803', regionName: '衢江区', count: expect.any(Number) }]);
      const open = (d.openCases as { count: number }[]).reduce((s, r) => s + r.count, 0);
      expect((d.ageing as { count: number }[]).reduce((s, r) => s + r.count, 0)).toBe(open);
    });

    it('POST /auth/dev-login of the risk service: inspectors and admins get a token the API accepts; others are refused', async () => {
      const res = await request(http()).post('/auth/dev-login').send({ externalIdentityId: f.qujiang.externalId }).expect(200);
      expect(res.body.principal).toMatchObject({ subject: f.qujiang.id, roles: ['diner', 'inspector'], regionCode: '330803' });
      const me = await request(http()).get('/inspectors/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ id: f.qujiang.id, lead: false });
      const lead = await request(http()).post('/auth/dev-login').send({ externalIdentityId: f.cityLead.externalId }).expect(200);
      expect((await request(http()).get('/inspectors/me').set('Authorization', `Bearer ${lead.body.accessToken}`).expect(200)).body.lead).toBe(true);
      expect((await request(http()).post('/auth/dev-login').send({ externalIdentityId: f.plainDiner.externalId }).expect(403)).body.code).toBe('CONSOLE_NOT_ALLOWED');
      expect((await request(http()).post('/auth/dev-login').send({ externalIdentityId: 'nobody-here' }).expect(404)).body.code).toBe('IDENTITY_NOT_FOUND');
      expect((await request(http()).post('/auth/dev-login').send({ externalIdentityId: f.qujiang.externalId, roles: ['admin'] }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('an admin grants and revokes the lead flag (audited); unknown staff → 404', async () => {
      await as(h.tokens.admin).get('/inspector-leads').expect(200);
      const put = await request(http()).put(`/inspector-leads/${f.qujiang.id}`).set('Authorization', `Bearer ${h.tokens.admin}`).expect(200);
      expect(put.body).toMatchObject({ id: f.qujiang.id, lead: true });
      expect((await as(f.qujiang.token).get('/inspectors/me').expect(200)).body.lead).toBe(true);
      await request(http()).delete(`/inspector-leads/${f.qujiang.id}`).set('Authorization', `Bearer ${h.tokens.admin}`).expect(204);
      expect((await as(f.qujiang.token).get('/inspectors/me').expect(200)).body.lead).toBe(false);
      expect((await request(http()).put(`/inspector-leads/${f.plainDiner.id}`).set('Authorization', `Bearer ${h.tokens.admin}`).expect(404)).body.code).toBe('INSPECTOR_NOT_FOUND');
      const actions = (await h.dataSource.query(`SELECT action FROM risk_case_audit WHERE case_id IS NULL AND detail->>'staffId' = $1 ORDER BY id`, [f.qujiang.id])) as { action: string }[];
      expect(actions.map((a) => a.action)).toEqual(['lead.granted', 'lead.revoked']);
    });
  });
});
