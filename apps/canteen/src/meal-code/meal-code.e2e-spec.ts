import { execFile } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sign } from 'jsonwebtoken';
import { MealCodes1763900200000 } from '../../../../migrations/1763900200000-meal-codes';
import { MealCodeErrorCode } from './meal-code.exceptions';
import { MealCodeRenderer } from './meal-code.renderer';
import { MEAL_CODE_ISSUER } from './meal-code-signer.service';
import { MealCodeStatus } from './meal-code-status.enum';
import { createMealCodeHarness, insertCanteen, MealCodeHarness, TEST_BASE_URL } from './testing/meal-code-test-harness';

const run = promisify(execFile);

async function decodeQrPng(png: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'meal-code-qr-'));
  try {
    const file = join(dir, 'code.png');
    writeFileSync(file, png);
    const { stdout } = await run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', file]);
    return stdout.replace(/\r?\n$/, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function tokenOf(text: string): string {
  return text.slice(`${TEST_BASE_URL}/m/`.length);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error('expected a refusal');
}

describe('meal codes (用餐码) against real PostgreSQL', () => {
  let h: MealCodeHarness;

  beforeAll(async () => {
    h = await createMealCodeHarness('mealcode');
  });
  afterAll(() => h?.close());

  describe('issue and render', () => {
    it('issues version 1 once (idempotent) with a signed URL text', async () => {
      const canteenId = await insertCanteen(h.dataSource);
      const first = await h.service.issue(canteenId);
      const again = await h.service.issue(canteenId);
      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(again.code.version).toBe(1);
      expect(again.text).toBe(first.text);
      expect(first.text).toMatch(new RegExp(`^${TEST_BASE_URL.replace(/\./g, '\\.')}/m/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
      const [header, payload] = tokenOf(first.text).split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
      expect(header).toEqual({ alg: 'ES256', typ: 'meal-code' });
      expect(payload).toEqual({ c: canteenId, v: 1, lat: 28.970083, lon: 118.859342, r: 200, kind: 'meal-code', iat: expect.any(Number), iss: MEAL_CODE_ISSUER });
      expect(first.text.length).toBeLessThan(400);
    });

    it('issues concurrently exactly one code', async () => {
      const canteenId = await insertCanteen(h.dataSource);
      const results = await Promise.all(Array.from({ length: 8 }, () => h.service.issue(canteenId)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.text)).size).toBe(1);
    });

    it('renders a PNG that zbarimg decodes to exactly the issued text', async () => {
      const canteenId = await insertCanteen(h.dataSource);
      const issued = await h.service.issue(canteenId);
      const { png } = await h.service.currentPng(canteenId);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
      expect(await decodeQrPng(png)).toBe(issued.text);
    });

    it('decodes the PNG of a canteen with a long name, far coordinates and a large radius', async () => {
      const canteenId = await insertCanteen(h.dataSource, {
        name: '衢州市柯城区人民政府机关事务管理局第一职工食堂（含石室乡、九华乡、七里乡联合廉政灶）'.repeat(2),
        latitude: -89.1234567,
        longitude: -179.7654321,
        radiusM: 5000,
      });
      const issued = await h.service.rotate(canteenId);
      await h.service.rotate(canteenId);
      const current = await h.service.current(canteenId);
      expect(current.code.version).toBe(2);
      expect(current.text).not.toBe(issued.text);
      expect(await decodeQrPng((await h.service.currentPng(canteenId)).png)).toBe(current.text);
    });

    it('renders an SVG QR', async () => {
      const canteenId = await insertCanteen(h.dataSource);
      await h.service.issue(canteenId);
      const { svg } = await h.service.currentSvg(canteenId);
      expect(svg.trim()).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
    });

    it('refuses to issue for an unknown or inactive canteen', async () => {
      expect(await refusal(h.service.issue(randomUUID()))).toBe(MealCodeErrorCode.CanteenNotFound);
      const inactive = await insertCanteen(h.dataSource, { active: false });
      expect(await refusal(h.service.issue(inactive))).toBe(MealCodeErrorCode.CanteenInactive);
      expect(await refusal(h.service.current(inactive))).toBe(MealCodeErrorCode.NotIssued);
    });
  });

  describe('verifyScannedCode', () => {
    let canteenId: string;
    let text: string;
    let token: string;
    const claims = (): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    const ourKey = (): Buffer => readFileSync(h.options.privateKeyFile);

    beforeAll(async () => {
      canteenId = await insertCanteen(h.dataSource);
      text = (await h.service.issue(canteenId)).text;
      token = tokenOf(text);
    });

    it('accepts the issued code and returns canteen, version and geofence', async () => {
      const verified = await h.service.verifyScannedCode(text);
      expect(verified).toMatchObject({ canteenId, version: 1, latitude: 28.970083, longitude: 118.859342, geofenceRadiusM: 200, status: MealCodeStatus.Active, graceUntil: null });
      // Surrounding whitespace from a scanner is tolerated; the host is case-insensitive.
      await expect(h.service.verifyScannedCode(`  ${text}\n`)).resolves.toMatchObject({ canteenId });
      await expect(h.service.verifyScannedCode(text.replace('https://meal.test.local', 'HTTPS://MEAL.TEST.LOCAL'))).resolves.toMatchObject({ canteenId });
    });

    it('refuses a payload altered by one character (FORGED)', async () => {
      const [header, payload, signature] = token.split('.') as [string, string, string];
      for (const index of [2, Math.floor(payload.length / 2), payload.length - 3]) {
        const ch = payload[index];
        const altered = payload.slice(0, index) + (ch === 'A' ? 'B' : 'A') + payload.slice(index + 1);
        expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${header}.${altered}.${signature}`))).toBe(MealCodeErrorCode.Forged);
      }
      const alteredSignature = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${header}.${payload}.${alteredSignature}`))).toBe(MealCodeErrorCode.Forged);
    });

    it('refuses the same claims signed by another key (FORGED)', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const forged = sign(claims(), privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'meal-code' } });
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${forged}`))).toBe(MealCodeErrorCode.Forged);
    });

    it('refuses a hand-crafted `alg: none` token', async () => {
      const unsigned = `${b64({ alg: 'none', typ: 'meal-code' })}.${b64(claims())}.`;
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${unsigned}`))).toBe(MealCodeErrorCode.Forged);
      const withJunkSignature = `${b64({ alg: 'none', typ: 'meal-code' })}.${b64(claims())}.AAAA`;
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${withJunkSignature}`))).toBe(MealCodeErrorCode.Forged);
    });

    it('refuses HS256 with the public key as the HMAC secret (FORGED)', async () => {
      const publicPem = readFileSync(h.options.publicKeyFile, 'utf8');
      const signingInput = `${b64({ alg: 'HS256', typ: 'meal-code' })}.${b64(claims())}`;
      const mac = createHmac('sha256', publicPem).update(signingInput).digest('base64url');
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${signingInput}.${mac}`))).toBe(MealCodeErrorCode.Forged);
    });

    it('refuses a login-style token of another issuer, wrapped or bare', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const login = sign({ sub: randomUUID(), kind: 'staff', roles: ['admin'], name: '张三', jti: randomUUID() }, privateKey, {
        algorithm: 'ES256',
        issuer: 'https://identity.official-meal.local',
        audience: 'official-meal',
        expiresIn: 900,
      });
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${login}`))).toBe(MealCodeErrorCode.Forged);
      expect(await refusal(h.service.verifyScannedCode(login))).toBe(MealCodeErrorCode.Malformed);
    });

    it('refuses tokens signed with the meal-code key but of another kind, issuer or type (key misuse)', async () => {
      const key = ourKey();
      const asLogin = sign({ ...claims(), kind: 'staff', iss: undefined }, key, { algorithm: 'ES256', issuer: MEAL_CODE_ISSUER, header: { alg: 'ES256', typ: 'meal-code' } });
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${asLogin}`))).toBe(MealCodeErrorCode.Forged);
      const otherIssuer = sign({ ...claims(), iss: 'https://identity.official-meal.local' }, key, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'meal-code' } });
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${otherIssuer}`))).toBe(MealCodeErrorCode.Forged);
      const plainJwt = sign(claims(), key, { algorithm: 'ES256' });
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${plainJwt}`))).toBe(MealCodeErrorCode.Forged);
    });

    it('refuses garbage and foreign URLs (MALFORMED)', async () => {
      for (const garbage of [
        '',
        '   ',
        'hello',
        'GWC1.abc',
        `${TEST_BASE_URL}/m/`,
        `${TEST_BASE_URL}/m/abc`,
        `${TEST_BASE_URL}/m/a.b`,
        `${TEST_BASE_URL}/m/${token}?x=1`,
        `${TEST_BASE_URL}/x/${token}`,
        `https://evil.example/m/${token}`,
        `${TEST_BASE_URL}.evil.example/m/${token}`,
        `${TEST_BASE_URL}/m/%%%.###.$$$`,
        `${TEST_BASE_URL}/m/bm90LWpzb24.bm90LWpzb24.c2ln`,
        `${TEST_BASE_URL}/m/${'a'.repeat(3000)}.b.c`,
      ]) {
        expect(`${garbage.slice(0, 60)} → ${await refusal(h.service.verifyScannedCode(garbage))}`).toBe(`${garbage.slice(0, 60)} → ${MealCodeErrorCode.Malformed}`);
      }
    });

    it('refuses a well-signed code of a version that was never issued (UNKNOWN_VERSION)', async () => {
      const key = ourKey();
      const header = { alg: 'ES256' as const, typ: 'meal-code' };
      const v7 = sign({ ...claims(), v: 7, iss: undefined }, key, { algorithm: 'ES256', issuer: MEAL_CODE_ISSUER, header });
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${v7}`))).toBe(MealCodeErrorCode.UnknownVersion);
      const otherCanteen = sign({ ...claims(), c: randomUUID(), iss: undefined }, key, { algorithm: 'ES256', issuer: MEAL_CODE_ISSUER, header });
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${otherCanteen}`))).toBe(MealCodeErrorCode.UnknownVersion);
      // Same canteen and version, but not the stored token (e.g. moved coordinates): not ours to honour.
      const moved = sign({ ...claims(), lat: 30, iss: undefined }, key, { algorithm: 'ES256', issuer: MEAL_CODE_ISSUER, header });
      expect(await refusal(h.service.verifyScannedCode(`${TEST_BASE_URL}/m/${moved}`))).toBe(MealCodeErrorCode.UnknownVersion);
    });

    it('keeps a rotated code working within its grace period, then refuses it (EXPIRED)', async () => {
      const id = await insertCanteen(h.dataSource);
      const v1 = await h.service.issue(id);
      const v2 = await h.service.rotate(id, 60);
      expect(v2.code.version).toBe(2);
      await expect(h.service.verifyScannedCode(v1.text)).resolves.toMatchObject({ version: 1, status: MealCodeStatus.Superseded });
      await expect(h.service.verifyScannedCode(v2.text)).resolves.toMatchObject({ version: 2, status: MealCodeStatus.Active });
      h.clock.advanceSeconds(59);
      await expect(h.service.verifyScannedCode(v1.text)).resolves.toMatchObject({ version: 1 });
      h.clock.advanceSeconds(1);
      expect(await refusal(h.service.verifyScannedCode(v1.text))).toBe(MealCodeErrorCode.Expired);
      await expect(h.service.verifyScannedCode(v2.text)).resolves.toMatchObject({ version: 2 });
      const list = await h.service.list(id);
      expect(list.map((v) => [v.code.version, v.code.status, v.usable])).toEqual([
        [2, MealCodeStatus.Active, true],
        [1, MealCodeStatus.Superseded, false],
      ]);
      // Zero grace: the old code stops at once.
      const v3 = await h.service.rotate(id, 0);
      expect(await refusal(h.service.verifyScannedCode(v2.text))).toBe(MealCodeErrorCode.Expired);
      await expect(h.service.verifyScannedCode(v3.text)).resolves.toMatchObject({ version: 3 });
    });

    it('uses the default 24 h grace and bounds the requested grace', async () => {
      const id = await insertCanteen(h.dataSource);
      const v1 = await h.service.issue(id);
      const v2 = await h.service.rotate(id);
      expect(v2.code.version).toBe(2);
      const old = (await h.service.list(id)).find((v) => v.code.version === 1);
      expect(old?.code.graceUntil?.getTime()).toBe(h.clock.now().getTime() + 24 * 3600 * 1000);
      h.clock.advanceSeconds(24 * 3600 - 1);
      await expect(h.service.verifyScannedCode(v1.text)).resolves.toMatchObject({ version: 1 });
      h.clock.advanceSeconds(1);
      expect(await refusal(h.service.verifyScannedCode(v1.text))).toBe(MealCodeErrorCode.Expired);
      expect(await refusal(h.service.rotate(id, 7 * 24 * 3600 + 1))).toBe(MealCodeErrorCode.GraceOutOfRange);
      expect(await refusal(h.service.rotate(id, -1))).toBe(MealCodeErrorCode.GraceOutOfRange);
      expect(await refusal(h.service.rotate(id, 1.5))).toBe(MealCodeErrorCode.GraceOutOfRange);
    });

    it('refuses a revoked version at once (REVOKED), and revoke-all covers codes in grace', async () => {
      const id = await insertCanteen(h.dataSource);
      const v1 = await h.service.issue(id);
      const v2 = await h.service.rotate(id, 3600);
      const revoked = await h.service.revoke(id, 2, '二维码被翻拍外传');
      expect(revoked.revokedVersions).toEqual([2]);
      expect(await refusal(h.service.verifyScannedCode(v2.text))).toBe(MealCodeErrorCode.Revoked);
      await expect(h.service.verifyScannedCode(v1.text)).resolves.toMatchObject({ version: 1 });
      expect(await refusal(h.service.current(id))).toBe(MealCodeErrorCode.NotIssued);
      // Revoking again changes nothing; unknown versions are 404.
      expect((await h.service.revoke(id, 2, '再次作废')).revokedVersions).toEqual([]);
      expect(await refusal(h.service.revoke(id, 9, 'x'))).toBe(MealCodeErrorCode.VersionNotFound);
      const all = await h.service.revoke(id, null, '食堂搬迁');
      expect(all.revokedVersions).toEqual([1]);
      expect(await refusal(h.service.verifyScannedCode(v1.text))).toBe(MealCodeErrorCode.Revoked);
      const row = (await h.service.list(id)).find((v) => v.code.version === 2);
      expect(row?.code).toMatchObject({ status: MealCodeStatus.Revoked, revokedReason: '二维码被翻拍外传' });
      // A fresh issue after everything was revoked starts version 3.
      const v3 = await h.service.issue(id);
      expect(v3).toMatchObject({ created: true, code: { version: 3 } });
      await expect(h.service.verifyScannedCode(v3.text)).resolves.toMatchObject({ version: 3 });
    });

    it('refuses codes of a deactivated canteen (CANTEEN_INACTIVE)', async () => {
      const id = await insertCanteen(h.dataSource);
      const v1 = await h.service.issue(id);
      await h.dataSource.query('UPDATE canteens SET active = false WHERE id = $1', [id]);
      expect(await refusal(h.service.verifyScannedCode(v1.text))).toBe(MealCodeErrorCode.CanteenInactive);
      expect(await refusal(h.service.rotate(id))).toBe(MealCodeErrorCode.CanteenInactive);
      // Revoking still works on a deactivated canteen; a revoked code reports REVOKED first.
      await h.service.revoke(id, 1, '食堂停用');
      expect(await refusal(h.service.verifyScannedCode(v1.text))).toBe(MealCodeErrorCode.Revoked);
    });
  });

  describe('concurrency', () => {
    it('10 parallel rotations leave exactly one active code and contiguous unique versions', async () => {
      const id = await insertCanteen(h.dataSource);
      await h.service.issue(id);
      const results = await Promise.all(Array.from({ length: 10 }, () => h.service.rotate(id, 600)));
      expect(results.map((r) => r.code.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const rows: { version: number; status: string }[] = await h.dataSource.query('SELECT version, status FROM meal_codes WHERE canteen_id = $1 ORDER BY version', [id]);
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(rows.filter((r) => r.status === 'active')).toEqual([{ version: 11, status: 'active' }]);
      const current = await h.service.current(id);
      await expect(h.service.verifyScannedCode(current.text)).resolves.toMatchObject({ version: 11, status: MealCodeStatus.Active });
    });

    it('the database refuses a second active code even without the lock', async () => {
      const id = await insertCanteen(h.dataSource);
      const v1 = await h.service.issue(id);
      const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined); // TypeORM logs the expected error
      try {
        await expect(
          h.dataSource.query(`INSERT INTO meal_codes (canteen_id, version, token, status, issued_at) VALUES ($1, 2, $2, 'active', now())`, [id, tokenOf(v1.text)]),
        ).rejects.toThrow(/uq_meal_codes_one_active/);
      } finally {
        quiet.mockRestore();
      }
    });
  });

  describe('migration', () => {
    it('goes down and up again', async () => {
      const runner = h.dataSource.createQueryRunner();
      try {
        const migration = new MealCodes1763900200000();
        await migration.down(runner);
        expect(await runner.hasTable('meal_codes')).toBe(false);
        await migration.up(runner);
        expect(await runner.hasTable('meal_codes')).toBe(true);
      } finally {
        await runner.release();
      }
    });
  });

  describe('poster', () => {
    it('escapes the canteen name, shows level, region, hours, prices in 元 and the QR SVG', async () => {
      const id = await insertCanteen(h.dataSource, { name: '<script>alert(1)</script>食堂 & "一号" \'店\'' });
      await h.service.issue(id);
      const { html, version } = await h.service.poster(id);
      expect(version).toBe(1);
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;食堂 &amp; &quot;一号&quot; &#39;店&#39;');
      expect(html).toContain('<html lang="zh-CN">');
      expect(html).toContain('@page { size: A4');
      expect(html).toContain('县级机关食堂');
      expect(html).toContain('衢州市 · 柯城区');
      expect(html).toContain('扫码就餐');
      expect(html).toContain('用浙政钉扫描此码，出示就餐凭证');
      for (const expected of ['早餐', '06:30 – 08:30', '5.00 元', '8.00 元', '午餐', '11:00 – 13:00', '15.00 元', '20.00 元', '晚餐', '12.00 元', '18.50 元']) {
        expect(html).toContain(expected);
      }
      expect(html).toMatch(/<div class="qr"[^>]*><svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    });

    it('the poster QR is the current code', async () => {
      const id = await insertCanteen(h.dataSource);
      await h.service.issue(id);
      const rotated = await h.service.rotate(id);
      const { html } = await h.service.poster(id);
      const svg = await new MealCodeRenderer().renderSvg(rotated.text);
      expect(html).toContain(svg.trim());
    });
  });
});
