import { execFile } from 'node:child_process';
import { createPublicKey, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { App } from 'supertest/types';
import { Role } from '@meal/auth';
import { ADMIN, createMealCodeHarness, insertCanteen, MealCodeHarness, TEST_BASE_URL } from './testing/meal-code-test-harness';

const run = promisify(execFile);

describe('meal-code HTTP routes', () => {
  let h: MealCodeHarness;
  let http: App;
  let canteenId: string;

  beforeAll(async () => {
    h = await createMealCodeHarness('mealcodehttp', { maxGraceSeconds: 7 * 24 * 3600 });
    http = h.app.getHttpServer() as App;
    canteenId = await insertCanteen(h.dataSource, { name: '衢江区<b>机关</b>食堂' });
  });
  afterAll(() => h?.close());
  afterEach(() => h.setPrincipal(ADMIN));

  it('issues (201), then returns the same code (200), and lists it', async () => {
    const first = await request(http).post(`/canteens/${canteenId}/meal-codes`).expect(201);
    expect(first.body).toMatchObject({ canteenId, version: 1, status: 'active', usable: true, graceUntil: null, revokedAt: null });
    expect(first.body.text).toMatch(/^https:\/\/meal\.test\.local\/m\//);
    const again = await request(http).post(`/canteens/${canteenId}/meal-codes`).expect(200);
    expect(again.body.text).toBe(first.body.text);
    const list = await request(http).get(`/canteens/${canteenId}/meal-codes`).expect(200);
    expect(list.body).toHaveLength(1);
  });

  it('serves the current PNG (decodable) and SVG without caching', async () => {
    const current = await request(http).get(`/canteens/${canteenId}/meal-codes`).expect(200);
    const png = await request(http).get(`/canteens/${canteenId}/meal-codes/current.png`).buffer(true).expect(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['cache-control']).toBe('no-store');
    const dir = mkdtempSync(join(tmpdir(), 'meal-code-http-'));
    try {
      writeFileSync(join(dir, 'c.png'), png.body as Buffer);
      const { stdout } = await run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', join(dir, 'c.png')]);
      expect(stdout.trim()).toBe(current.body[0].text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const svg = await request(http).get(`/canteens/${canteenId}/meal-codes/current.svg`).buffer(true).expect(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect((svg.body as Buffer).toString()).toMatch(/^<svg/);
  });

  it('serves the poster page as HTML with a strict CSP and the name escaped', async () => {
    const res = await request(http).get(`/canteens/${canteenId}/meal-codes/poster`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('衢江区&lt;b&gt;机关&lt;/b&gt;食堂');
    expect(res.text).not.toContain('<b>');
    expect(res.text).toContain('15.00 元');
  });

  it('lets a terminal read the images of its own canteen only', async () => {
    const terminal = { subject: randomUUID(), kind: 'terminal' as const, roles: [Role.Terminal], name: '一号终端', canteenId, tokenId: 't' };
    h.setPrincipal(terminal);
    await request(http).get(`/canteens/${canteenId}/meal-codes/current.svg`).expect(200);
    h.setPrincipal({ ...terminal, canteenId: randomUUID() });
    const res = await request(http).get(`/canteens/${canteenId}/meal-codes/current.png`).expect(403);
    expect(res.body.code).toBe('MEAL_CODE_CANTEEN_FORBIDDEN');
  });

  it('rotates with a grace period and validates it', async () => {
    const rotated = await request(http).post(`/canteens/${canteenId}/meal-codes/rotate`).send({ graceSeconds: 120 }).expect(201);
    expect(rotated.body).toMatchObject({ version: 2, status: 'active' });
    const list = await request(http).get(`/canteens/${canteenId}/meal-codes`).expect(200);
    expect(list.body.map((c: { version: number; status: string; usable: boolean }) => [c.version, c.status, c.usable])).toEqual([
      [2, 'active', true],
      [1, 'superseded', true],
    ]);
    expect(new Date(list.body[1].graceUntil).getTime()).toBe(h.clock.now().getTime() + 120_000);
    await request(http).post(`/canteens/${canteenId}/meal-codes/rotate`).send({}).expect(201);
    for (const body of [{ graceSeconds: -1 }, { graceSeconds: 31 * 24 * 3600 }, { graceSeconds: '60' }, { graceSeconds: 1.5 }, { grace: 60 }]) {
      const res = await request(http).post(`/canteens/${canteenId}/meal-codes/rotate`).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    // Within the DTO bound but above this deployment's maximum (7 days).
    const tooLong = await request(http).post(`/canteens/${canteenId}/meal-codes/rotate`).send({ graceSeconds: 8 * 24 * 3600 }).expect(400);
    expect(tooLong.body).toMatchObject({ code: 'MEAL_CODE_GRACE_OUT_OF_RANGE', details: [{ field: 'graceSeconds' }] });
  });

  it('revokes a version and all versions, with a reason', async () => {
    const res = await request(http).post(`/canteens/${canteenId}/meal-codes/1/revoke`).send({ reason: '海报被盗用' }).expect(200);
    expect(res.body).toEqual({ canteenId, revokedVersions: [1] });
    const missing = await request(http).post(`/canteens/${canteenId}/meal-codes/99/revoke`).send({ reason: '测试' }).expect(404);
    expect(missing.body.code).toBe('MEAL_CODE_VERSION_NOT_FOUND');
    for (const [version, body] of [
      ['abc', { reason: 'x' }],
      ['0', { reason: 'x' }],
      ['1.5', { reason: 'x' }],
      ['1', {}],
      ['1', { reason: '   ' }],
      ['1', { reason: 'x'.repeat(501) }],
    ] as const) {
      await request(http).post(`/canteens/${canteenId}/meal-codes/${version}/revoke`).send(body).expect(400);
    }
    const all = await request(http).post(`/canteens/${canteenId}/meal-codes/revoke-all`).send({ reason: '食堂搬迁' }).expect(200);
    expect(all.body.revokedVersions).toEqual([2, 3]);
    const png = await request(http).get(`/canteens/${canteenId}/meal-codes/current.png`).expect(404);
    expect(png.body.code).toBe('MEAL_CODE_NOT_ISSUED');
    await request(http).get(`/canteens/${canteenId}/meal-codes/poster`).expect(404);
  });

  it('answers 400 for a non-uuid canteen id and 404 for an unknown canteen', async () => {
    for (const [method, path] of [
      ['post', 'meal-codes'],
      ['post', 'meal-codes/rotate'],
      ['get', 'meal-codes'],
      ['get', 'meal-codes/current.png'],
      ['get', 'meal-codes/current.svg'],
      ['get', 'meal-codes/poster'],
    ] as const) {
      const bad = await request(http)[method](`/canteens/not-a-uuid/${path}`).send({});
      expect(`${method} ${path} ${bad.status} ${bad.body.code}`).toBe(`${method} ${path} 400 VALIDATION_FAILED`);
      const unknown = await request(http)[method](`/canteens/${randomUUID()}/${path}`).send({});
      expect(`${method} ${path} ${unknown.status} ${unknown.body.code}`).toBe(`${method} ${path} 404 CANTEEN_NOT_FOUND`);
    }
    await request(http).post(`/canteens/not-a-uuid/meal-codes/1/revoke`).send({ reason: 'x' }).expect(400);
    const unknownRevoke = await request(http).post(`/canteens/${randomUUID()}/meal-codes/1/revoke`).send({ reason: 'x' }).expect(404);
    expect(unknownRevoke.body.code).toBe('CANTEEN_NOT_FOUND');
  });

  it('refuses to issue for an inactive canteen (409)', async () => {
    const inactive = await insertCanteen(h.dataSource, { active: false });
    const res = await request(http).post(`/canteens/${inactive}/meal-codes`).expect(409);
    expect(res.body.code).toBe('CANTEEN_INACTIVE');
  });

  it('publishes the public key as PEM and JWK', async () => {
    const res = await request(http).get('/meal-codes/public-key').expect(200);
    expect(res.body).toMatchObject({ alg: 'ES256', issuer: 'official-meal/meal-code', kind: 'meal-code', jwk: { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' } });
    expect(res.body.publicKeyPem).toBe(readFileSync(h.options.publicKeyFile, 'utf8'));
    const fromJwk = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: res.body.jwk.x, y: res.body.jwk.y }, format: 'jwk' });
    expect(fromJwk.export({ type: 'spki', format: 'pem' }).toString()).toBe(res.body.publicKeyPem);
    expect(JSON.stringify(res.body)).not.toMatch(/PRIVATE/);
  });

  it('verifies a scanned text for admins: valid, or the refusal code', async () => {
    const other = await insertCanteen(h.dataSource);
    const issued = await request(http).post(`/canteens/${other}/meal-codes`).expect(201);
    const ok = await request(http).post('/meal-codes/verify').send({ text: issued.body.text }).expect(200);
    expect(ok.body).toMatchObject({ valid: true, result: { canteenId: other, version: 1, latitude: 28.970083, longitude: 118.859342, geofenceRadiusM: 200, status: 'active' } });
    const bad = await request(http).post('/meal-codes/verify').send({ text: `${TEST_BASE_URL}/m/x.y.z` }).expect(200);
    expect(bad.body).toMatchObject({ valid: false, code: 'MEAL_CODE_MALFORMED' });
    const garbage = await request(http).post('/meal-codes/verify').send({ text: '食堂' }).expect(200);
    expect(garbage.body).toMatchObject({ valid: false, code: 'MEAL_CODE_MALFORMED' });
    expect(garbage.body.message).toMatch(/无法识别的用餐码/);
    await request(http).post(`/canteens/${other}/meal-codes/1/revoke`).send({ reason: '测试' }).expect(200);
    const revoked = await request(http).post('/meal-codes/verify').send({ text: issued.body.text }).expect(200);
    expect(revoked.body).toMatchObject({ valid: false, code: 'MEAL_CODE_REVOKED' });
    await request(http).post('/meal-codes/verify').send({}).expect(400);
    await request(http).post('/meal-codes/verify').send({ text: 42 }).expect(400);
  });

  it('documents every route in OpenAPI', () => {
    const document = SwaggerModule.createDocument(h.app, new DocumentBuilder().setTitle('test').build());
    expect(Object.keys(document.paths).sort()).toEqual([
      '/canteens/{canteenId}/meal-codes',
      '/canteens/{canteenId}/meal-codes/current.png',
      '/canteens/{canteenId}/meal-codes/current.svg',
      '/canteens/{canteenId}/meal-codes/poster',
      '/canteens/{canteenId}/meal-codes/revoke-all',
      '/canteens/{canteenId}/meal-codes/rotate',
      '/canteens/{canteenId}/meal-codes/{version}/revoke',
      '/meal-codes/public-key',
      '/meal-codes/verify',
    ]);
  });
});
