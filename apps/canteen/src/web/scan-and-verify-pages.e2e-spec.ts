import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithChromium, launchChromium, newPhoneContext } from '@meal/testing';
import { startWebTestApp, WEB_FIXTURE, WebTestApp } from './testing/web-test-app';

const SCREENSHOTS = join(__dirname, '../../../../.run/screenshots');
/** 12:05 in Beijing on a Monday: lunch (11:00–13:00) is open. Server scan clock and browser clocks start here. */
const CLOCK_START = new Date('2025-11-24T04:05:00.000Z');
const AT_CANTEEN = { latitude: WEB_FIXTURE.latitude + 0.0002, longitude: WEB_FIXTURE.longitude - 0.0001, accuracy: 12 };

interface ScanAnswer {
  meal: { id: string };
  pass: { token: string; expiresAt: string };
}

/**
 * The diner page driven through a scan (login, location, manual code entry, the pass screen, the second scan of
 * the slot refused, my meals) and the terminal page through verifications (accepted, replay refused, counts
 * pushed over SSE, offline verification and sync), in real Chromium against the whole canteen service.
 */
describeWithChromium('diner and terminal pages in Chromium: scan → pass → verify', () => {
  let server: WebTestApp;
  let browser: Browser;
  /** The pass the diner page showed (the terminal test verifies it). */
  let dinerPass = '';

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startWebTestApp('webpages', { clockStart: CLOCK_START });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function phone(): Promise<BrowserContext> {
    const context = await newPhoneContext(browser, { geolocation: AT_CANTEEN, permissions: ['geolocation'] });
    await context.clock.install({ time: server.serverNow() });
    return context;
  }

  function collectErrors(page: Page): string[] {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return errors;
  }

  /** A meal scanned straight through the API (for passes the terminal test needs besides the diner page's). */
  async function scanViaApi(login: string): Promise<ScanAnswer> {
    const auth = (await (await fetch(`${server.baseUrl}/auth/dev-login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ externalIdentityId: login }),
    })).json()) as { accessToken: string };
    const res = await fetch(`${server.baseUrl}/scans`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth.accessToken}`, 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({ code: server.mealCodeText, latitude: AT_CANTEEN.latitude, longitude: AT_CANTEEN.longitude, accuracyMeters: 10, purpose: 'personal' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as ScanAnswer;
  }

  it('diner: logs in, scans by manual entry, sees the pass with a live countdown, then a second scan is refused', async () => {
    const context = await phone();
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${server.baseUrl}/app/diner`);
      await page.fill('#login-id', WEB_FIXTURE.dinerLogin);
      await page.click('#login-submit');
      await page.waitForSelector('#scan-view:not([hidden])');
      expect(await page.textContent('#who-name')).toBe(WEB_FIXTURE.dinerName);
      await page.check('input[name=purpose][value=official]', { force: true });

      await page.fill('#manual-code', server.mealCodeText);
      await page.click('#manual-submit');
      await page.waitForSelector('#pass-view:not([hidden])', { timeout: 15_000 });
      expect(await page.textContent('#pass-name')).toBe(WEB_FIXTURE.dinerName);
      expect(await page.textContent('#pass-unit')).toBe(WEB_FIXTURE.visitorUnitName);
      expect(await page.textContent('#pass-canteen')).toBe(WEB_FIXTURE.canteenName);
      expect(await page.textContent('#pass-slot')).toBe('午餐');
      expect(await page.textContent('#pass-price')).toBe('20.00 元'); // visitor price of lunch
      expect(await page.textContent('#pass-payer')).toBe('公务结算');
      await page.waitForSelector('#pass-qr svg path');

      const countdown1 = await page.textContent('#pass-remaining');
      const clock1 = await page.textContent('#pass-clock');
      expect(countdown1).toMatch(/^0[45]:\d\d$/);
      await page.waitForTimeout(2100);
      const countdown2 = await page.textContent('#pass-remaining');
      expect(countdown2).not.toBe(countdown1);
      expect(await page.textContent('#pass-clock')).not.toBe(clock1);
      expect(clock1).toMatch(/^12:0\d:\d\d$/); // Beijing time of the pinned clock
      await page.screenshot({ path: join(SCREENSHOTS, 'diner-pass.png'), fullPage: true });

      const pageToken = await page.evaluate(() => JSON.parse(sessionStorage.getItem('meal.diner.currentPass') ?? '{}').token as string);
      // what the phone shows, decoded from the rendered pixels (zbarimg), is a pass of this meal: the terminal gets exactly that
      const qrShot = join(SCREENSHOTS, 'diner-pass-qr.png');
      await page.locator('#pass-qr').screenshot({ path: qrShot });
      dinerPass = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', qrShot], { encoding: 'utf8' }).trim();
      const claimsOf = (token: string): { m: string; kind: string } => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
      expect(dinerPass.split('.')).toHaveLength(3);
      expect(claimsOf(dinerPass)).toMatchObject({ kind: 'meal-pass', m: claimsOf(pageToken).m });

      // back: my meals shows the meal; the same slot again is refused in Chinese
      await page.click('#pass-back');
      await page.waitForSelector('#history li[data-meal-id]');
      const history = await page.locator('#history').innerText();
      expect(history).toContain(`${WEB_FIXTURE.canteenName} · 午餐`);
      expect(history).toContain('20.00 元');
      expect(history).toContain('待核销');

      await page.fill('#manual-code', server.mealCodeText);
      await page.click('#manual-submit');
      await page.waitForSelector('#message.error:not([hidden])');
      const message = await page.textContent('#message');
      expect(message).toContain('本餐次已就餐');
      expect(message).not.toMatch(/meal slot is already taken/);
      await page.screenshot({ path: join(SCREENSHOTS, 'diner-already-taken.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('diner: a phone camera landing on /m/<code> scans right after login; refused location is explained', async () => {
    const jws = server.mealCodeText.slice(server.mealCodeText.indexOf('/m/') + 3);
    const denied = await newPhoneContext(browser); // no geolocation permission
    try {
      await denied.clock.install({ time: server.serverNow() });
      const page = await denied.newPage();
      await page.goto(`${server.baseUrl}/m/${jws}`);
      await page.waitForSelector('#pending-code-hint:not([hidden])');
      await page.fill('#login-id', WEB_FIXTURE.ownStaffLogins[0] as string);
      await page.click('#login-submit');
      await page.waitForSelector('#message.error:not([hidden])', { timeout: 15_000 });
      expect(await page.textContent('#message')).toContain('定位');
    } finally {
      await denied.close();
    }

    const context = await phone();
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/m/${jws}`);
      await page.waitForURL(`${server.baseUrl}/app/diner`); // the code is kept for after the login, the address cleaned
      await page.fill('#login-id', WEB_FIXTURE.ownStaffLogins[0] as string);
      await page.click('#login-submit');
      await page.waitForSelector('#pass-view:not([hidden])', { timeout: 15_000 });
      expect(await page.textContent('#pass-name')).toBe(WEB_FIXTURE.ownStaffNames[0]);
      await page.waitForSelector('#pass-qr svg');
    } finally {
      await context.close();
    }
  });

  it('terminal: verifies the pass (green), refuses the replay (red, 已使用), counts pushed live; offline verify and sync', async () => {
    expect(dinerPass).not.toBe('');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.clock.install({ time: server.serverNow() });
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${server.baseUrl}/app/terminal`);
      await page.fill('#terminal-code', WEB_FIXTURE.terminalCode);
      await page.click('#login-submit');
      await page.waitForSelector('#main-view:not([hidden])');
      await page.waitForFunction(() => document.querySelector('#stream-status')?.textContent === '实时连接');
      await page.waitForSelector('#counts .count[data-slot=lunch][data-verified="0"]');

      await page.fill('#pass-input', dinerPass);
      await page.press('#pass-input', 'Enter');
      await page.waitForSelector('#verdict.accepted:not([hidden])');
      expect(await page.textContent('#verdict-mark')).toBe('✓');
      expect(await page.textContent('#verdict-title')).toBe('核销成功');
      expect(await page.textContent('#verdict-name')).toBe(WEB_FIXTURE.dinerName);
      const detail = await page.textContent('#verdict-detail');
      expect(detail).toContain(WEB_FIXTURE.visitorUnitName);
      expect(detail).toContain('午餐');
      await page.screenshot({ path: join(SCREENSHOTS, 'terminal-accepted.png') });
      // the count arrives over the stream (the page does not re-read the summary after a verification)
      await page.waitForSelector('#counts .count[data-slot=lunch][data-verified="1"]');

      await page.click('#verdict');
      await page.fill('#pass-input', dinerPass);
      await page.press('#pass-input', 'Enter');
      await page.waitForSelector('#verdict.rejected:not([hidden])');
      expect(await page.textContent('#verdict-mark')).toBe('✗');
      expect(await page.textContent('#verdict-title')).toBe('已使用');
      expect(await page.textContent('#verdict-reason')).toMatch(/已于 .*\d{2}:\d{2}.*核销/);
      await page.screenshot({ path: join(SCREENSHOTS, 'terminal-replay-refused.png') });
      await page.click('#verdict');

      // pushed, not polled: a verification made elsewhere (straight through the API) shows up on the page
      const scannedBefore = Number(await page.getAttribute('#counts .count[data-slot=lunch]', 'data-scanned'));
      const other = await scanViaApi(WEB_FIXTURE.ownStaffLogins[1] as string);
      await page.waitForSelector(`#counts .count[data-slot=lunch][data-scanned="${scannedBefore + 1}"]`);
      const terminalLogin = (await (await fetch(`${server.baseUrl}/auth/dev-login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ terminalCode: WEB_FIXTURE.terminalCode }),
      })).json()) as { accessToken: string };
      const verified = await fetch(`${server.baseUrl}/terminal/verifications`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${terminalLogin.accessToken}` },
        body: JSON.stringify({ pass: other.pass.token }),
      });
      expect(verified.status).toBe(200);
      await page.waitForSelector('#counts .count[data-slot=lunch][data-verified="2"]');
      expect(await page.locator('#feed').innerText()).toContain(WEB_FIXTURE.ownStaffNames[1]); // pushed into the feed too

      // offline: 李四's pass (scanned on the /m/ landing) verified with the cached canteen key, queued, synced
      const lisiPass = await scanPassOf(WEB_FIXTURE.ownStaffLogins[0] as string);
      await context.setOffline(true);
      await page.fill('#pass-input', lisiPass);
      await page.press('#pass-input', 'Enter');
      await page.waitForSelector('#verdict.offline:not([hidden])', { timeout: 15_000 });
      expect(await page.textContent('#verdict-title')).toBe('离线核销');
      expect(await page.textContent('#verdict-name')).toBe(WEB_FIXTURE.ownStaffNames[0]);
      expect(await page.textContent('#queue-length')).toBe('1');
      await page.screenshot({ path: join(SCREENSHOTS, 'terminal-offline.png') });
      await page.click('#verdict');
      await context.setOffline(false);
      await page.waitForFunction(() => document.querySelector('#queue-length')?.textContent === '0', undefined, { timeout: 20_000 });
      await page.waitForSelector('#counts .count[data-slot=lunch][data-verified="3"]', { timeout: 20_000 });
      expect(await page.locator('#feed').innerText()).toContain('离线同步成功');
      await page.screenshot({ path: join(SCREENSHOTS, 'terminal-main.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  /** A fresh pass of the diner's meal of this slot (GET /meals/:id/pass). */
  async function scanPassOf(login: string): Promise<string> {
    const auth = (await (await fetch(`${server.baseUrl}/auth/dev-login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ externalIdentityId: login }),
    })).json()) as { accessToken: string };
    const headers = { Authorization: `Bearer ${auth.accessToken}` };
    const mine = (await (await fetch(`${server.baseUrl}/meals/mine`, { headers })).json()) as { items: { id: string }[] };
    const mealId = mine.items[0]?.id ?? (await scanViaApi(login)).meal.id;
    const pass = (await (await fetch(`${server.baseUrl}/meals/${mealId}/pass`, { headers })).json()) as { pass: { token: string } };
    return pass.pass.token;
  }
});
