import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describeWithChromium, launchChromium } from '@meal/testing';
import { startWebTestApp, WEB_FIXTURE, WebTestApp } from './testing/web-test-app';

const SCREENSHOTS = join(__dirname, '../../../../.run/screenshots');

describeWithChromium('admin page /app/admin in Chromium: issue, rotate, poster', () => {
  let server: WebTestApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startWebTestApp('webadmin', { issueMealCode: false });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the pages with a strict CSP, the zxing bundle, and nothing outside the asset list', async () => {
    const page = await fetch(`${server.baseUrl}/app/diner`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('扫码就餐');
    const zxing = await fetch(`${server.baseUrl}/app/vendor/zxing-browser.min.js`);
    expect(zxing.status).toBe(200);
    expect(await zxing.text()).toContain('BrowserQRCodeReader');
    for (const path of ['/app/assets/nope.js', '/app/assets/..%2Fweb.controller.ts', '/app/assets/diner.html']) {
      expect((await fetch(`${server.baseUrl}${path}`)).status).toBe(404);
    }
    expect(await (await fetch(`${server.baseUrl}/app/config.json`)).json()).toEqual({ mealCodeBaseUrl: expect.stringMatching(/^https?:\/\//) });
  });

  it('logs in as zzd-admin, selects the canteen, issues v1, rotates to v2 (v1 superseded) and opens the poster', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      await page.goto(`${server.baseUrl}/app/admin`);
      await page.fill('#login-id', WEB_FIXTURE.adminLogin);
      await page.click('#login-submit');
      await page.waitForSelector('#main-view:not([hidden])');
      await page.fill('#search-q', '柯城');
      await page.click('#search-submit');
      const row = page.locator(`#canteens li[data-canteen-id="${WEB_FIXTURE.canteenId}"]`);
      await row.getByRole('button', { name: '选择' }).click();
      await page.waitForSelector('#canteen-card:not([hidden])');
      expect(await page.textContent('#canteen-name')).toBe(WEB_FIXTURE.canteenName);

      await page.click('#issue-button');
      await page.waitForSelector('#versions tr[data-version="1"][data-status="active"]');
      await page.waitForSelector('#current-code:not([hidden])');

      await page.fill('#grace-hours', '2');
      await page.click('#rotate-button');
      await page.waitForSelector('#versions tr[data-version="2"][data-status="active"]');
      await page.waitForSelector('#versions tr[data-version="1"][data-status="superseded"]');
      expect(await page.locator('#versions tr[data-version="1"]').innerText()).toContain('已轮换');
      expect(await page.locator('#versions tr[data-version="2"]').innerText()).toContain('有效');
      // the current code image loaded (a decoded SVG has a size)
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('#current-code');
        return Boolean(img && img.complete && img.naturalWidth > 0);
      });
      await page.screenshot({ path: join(SCREENSHOTS, 'admin-rotated.png'), fullPage: true });

      const [poster] = await Promise.all([context.waitForEvent('page'), page.click('#poster-button')]);
      await poster.waitForFunction(() => document.body && document.body.innerText.includes('扫码就餐'), undefined, { timeout: 15_000 });
      const text = await poster.evaluate(() => document.body.innerText);
      expect(text).toContain(WEB_FIXTURE.canteenName);
      expect(text).toContain('扫码就餐');
      expect(poster.url()).toMatch(/^blob:/);
      await poster.screenshot({ path: join(SCREENSHOTS, 'admin-poster.png'), fullPage: true });

      // revoke v1 with a reason
      await page.locator('#versions tr[data-version="1"]').getByRole('button', { name: '吊销' }).click();
      await page.fill('.revoke-row input', '旧码海报已撤下');
      await page.click('.revoke-row button[type=submit]');
      await page.waitForSelector('#versions tr[data-version="1"][data-status="revoked"]');
      expect(await page.locator('#versions tr[data-version="1"]').innerText()).toContain('旧码海报已撤下');
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
