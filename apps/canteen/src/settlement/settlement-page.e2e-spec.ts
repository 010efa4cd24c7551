import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium, waitUntilVisible } from '@meal/testing';
import { createSettlementHarness, SettlementHarness } from './testing/settlement-test-harness';

const SCREENSHOTS = join(__dirname, '../../../../.run/screenshots');

async function waitForText(page: Page, selector: string, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const content = await page.locator(selector).first().textContent().catch(() => null);
    if (content && content.includes(text)) return;
    if (Date.now() > deadline) throw new Error(`"${selector}" never contained "${text}" (last: ${content})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls (from the test) until `selector` matches exactly `count` elements: a re-rendered table keeps its summary line. */
async function waitForCount(page: Page, selector: string, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await page.locator(selector).count();
    if (n === count) return;
    if (Date.now() > deadline) throw new Error(`"${selector}" matched ${n} elements, not ${count}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function login(page: Page, baseUrl: string, id: string): Promise<void> {
  await page.goto(`${baseUrl}/app/settlement`);
  await waitUntilVisible(page, '#login-view', 10_000);
  await page.fill('#login-id', id);
  await page.click('#login-submit');
  await waitUntilVisible(page, '#main-view', 10_000);
  await page.fill('#month', '2025-11');
  await page.click('#month-load');
}

describeWithChromium('settlement officer page /app/settlement in Chromium', () => {
  jest.setTimeout(180_000);
  let h: SettlementHarness;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    h = await createSettlementHarness({ label: 'settlepage', listen: true });
    await h.generateMeals('2025-11-01', '2025-11-30', 6, 31);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('clearing officer closes a day and the month, sees the nets, approves and pays; the district officer confirms', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await login(page, h.baseUrl as string, 'zzd-settlement');
      await waitForText(page, '#month-summary', '未月结');
      await waitForCount(page, '#days tr', 30); // the month's days (the default month's rows are replaced once it loads)

      // one day first
      await page.locator('#days tr[data-day="2025-11-03"]').getByRole('button', { name: '关账' }).click();
      await waitUntilVisible(page, '#days tr[data-day="2025-11-03"][data-status="closed"]', 15_000);
      await waitUntilVisible(page, '#nets-card', 10_000);
      await waitForText(page, '#nets-title', '2025-11-03');

      // then the month: closes the other 29 days and draws up the statements
      await page.click('#close-month');
      await waitForText(page, '#month-summary', '已月结', 30_000);
      expect(await page.locator('#days tr[data-status="closed"]').count()).toBe(30);
      await waitForText(page, '#nets-title', '2025-11');
      expect(await page.locator('#nets tr').count()).toBe(3); // 市本级, 柯城区, 衢江区
      expect(await page.textContent('#nets-summary')).toMatch(/轧差前 \d+ 笔双边划转 → 轧差后 \d+ 笔净额划转，节省 -?\d+ 笔；净额合计 0\.00 元/);
      await page.selectOption('#nets-level', 'unit');
      await waitForCount(page, '#nets tr', 8); // the units of the fixture (the summary line reads the same at both levels)
      await waitForText(page, '#nets-summary', '净额合计 0.00 元');
      await page.screenshot({ path: join(SCREENSHOTS, 'settlement-month.png'), fullPage: true });

      // a unit statement: approve, pay
      await waitUntilVisible(page, '#statements-card', 10_000);
      const row = page.locator('#statements tr[data-party="柯城区人民政府办公室"]');
      await row.getByRole('button', { name: '查看' }).click();
      await waitForText(page, '#st-title', '柯城区人民政府办公室 · 2025-11 结算单');
      await waitForText(page, '#lines-info', '共');
      expect(await page.locator('#st-lines tr').count()).toBeGreaterThan(0);
      expect(await page.isVisible('#st-confirm')).toBe(false);
      await page.click('#st-approve');
      await waitUntilVisible(page, '#statement-card[data-status="approved"]', 10_000);
      await waitForText(page, '#st-trail', '审核 钱结算');
      await page.click('#st-pay');
      await waitUntilVisible(page, '#statement-card[data-status="paid"]', 10_000);

      // CSV download and the printable page
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#st-csv')]);
      const csv = readFileSync((await download.path()) as string, 'utf8');
      expect(csv).toContain('就餐记录ID');
      expect(csv).toContain('柯城区人民政府办公室');
      const [print] = await Promise.all([context.waitForEvent('page'), page.click('#st-print')]);
      await waitForText(print, 'body', '公务餐跨区域结算单');
      expect(await print.textContent('body')).toContain('付款（国资公司）');
      await print.screenshot({ path: join(SCREENSHOTS, 'settlement-print.png'), fullPage: true });
      await print.close();
      expect(errors).toEqual([]);

      // the district's finance officer sees its district only and confirms
      await page.click('#logout');
      await login(page, h.baseUrl as string, 'zzd-settlement-330802');
      await waitForText(page, '#month-summary', '已月结');
      expect(await page.isVisible('#close-month')).toBe(false);
      expect(await page.locator('#days button', { hasText: '关账' }).count()).toBe(0);
      await waitUntilVisible(page, '#statements-card', 10_000);
      await waitForText(page, '#statements-info', '共 4 张');
      await page.locator('#statements tr[data-party="柯城区人民政府办公室"]').getByRole('button', { name: '查看' }).click();
      await waitUntilVisible(page, '#statement-card[data-status="paid"]', 10_000);
      expect(await page.isVisible('#st-approve')).toBe(false);
      await page.click('#st-confirm');
      await waitUntilVisible(page, '#statement-card[data-status="confirmed"]', 10_000);
      await waitForText(page, '#st-trail', '确认 孙会计');
      await page.screenshot({ path: join(SCREENSHOTS, 'settlement-confirmed.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
