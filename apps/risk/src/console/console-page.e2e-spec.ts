import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium, waitUntilVisible } from '@meal/testing';
import { ConsoleFixture, geofenceEvidence, mutualTreatingEvidence, seedConsoleFixture } from '../../test/console-fixture';
import { createRiskHarness, RiskHarness } from '../../test/risk-test-harness';

const SCREENSHOTS = join(__dirname, '../../../../.run/screenshots');

jest.setTimeout(180_000);

/** Polls from the test process until the page's text of `selector` satisfies `ok` (no in-page waits). */
async function waitForText(page: Page, selector: string, ok: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const locator = page.locator(selector).first();
    const text = (await locator.count()) > 0 ? await locator.innerText() : '';
    if (ok(text)) return text;
    if (Date.now() > deadline) throw new Error(`${selector}: text ${JSON.stringify(text)} never matched`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitForStatus(page: Page, status: string): Promise<void> {
  await waitUntilVisible(page, `#case-status[data-status="${status}"]`, 15_000);
}

describeWithChromium("inspectors' console in Chromium: an inspector works a case from the queue to closure", () => {
  let h: RiskHarness;
  let f: ConsoleFixture;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    h = await createRiskHarness('consoleweb');
    f = await seedConsoleFixture(h);
    const server = await h.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('serves the pages with a strict CSP and only listed assets', async () => {
    const page = await fetch(`${baseUrl}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('核查工作台');
    for (const path of ['/console/assets/nope.js', '/console/assets/..%2Fconsole.controller.ts', '/console/assets/queue.html']) {
      expect((await fetch(`${baseUrl}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${baseUrl}/console/assets/plots.js`)).headers.get('content-type')).toContain('javascript');
  });

  it('logs in, takes the next case, sees the evidence and the geofence plot, investigates, notes, attaches, closes; the audit trail shows it all', async () => {
    const caseId = await f.insertCase({
      regionCode: '330803',
      severity: 'high',
      model: 'proxy-or-fake-scan',
      subjectName: '张三（衢江区财政局）',
      evidence: geofenceEvidence(h.fixture.canteenA, '2025-03-03T04:01:00.000Z'),
      explanation: '张三（衢江区财政局）于2025-03-03 12:01在柯城区机关食堂扫码午餐，手机位置距食堂2400米，超出电子围栏',
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${baseUrl}/console`);
      await waitUntilVisible(page, '#login-form', 10_000);
      await page.fill('#login-id', f.qujiang.externalId);
      await page.click('#login-submit');
      await waitUntilVisible(page, '#main-view', 10_000);
      await waitForText(page, '#who-name', (t) => t.includes(f.qujiang.name) && t.includes('330803'));
      // the queue shows the case as new
      await waitUntilVisible(page, `#cases tr[data-case-id="${caseId}"][data-status="new"]`, 10_000);
      expect(await page.locator(`#cases tr[data-case-id="${caseId}"]`).innerText()).toContain('代扫/虚假扫码');
      await page.screenshot({ path: join(SCREENSHOTS, 'console-queue.png'), fullPage: true });

      await page.click('#take-next');
      await page.waitForURL(`**/console/cases/${caseId}`, { timeout: 15_000 });
      await waitForStatus(page, 'assigned');
      expect(await page.locator('#explanations').innerText()).toContain('超出电子围栏');
      expect(await page.locator('#timeline li[data-kind="meal"]').count()).toBe(1);
      expect(await page.locator('#timeline').innerText()).toContain('柯城区机关食堂');
      // the geofence plot: a circle for the fence and a red dot outside it
      await waitUntilVisible(page, '#map svg', 5_000);
      expect(await page.locator('#map svg circle.geofence').count()).toBe(1);
      expect(await page.locator('#map svg circle.scan.outside').count()).toBe(1);
      expect(await page.isVisible('#close-box')).toBe(false);

      await page.click('#start-button');
      await waitForStatus(page, 'investigating');

      await page.fill('#note-body', '已电话询问当事人，承认由同事代为扫码。');
      await page.click('#note-submit');
      await waitForText(page, '#notes', (t) => t.includes('代为扫码'));

      await page.setInputFiles('#attachment-file', { name: '询问笔录.txt', mimeType: 'text/plain', buffer: Buffer.from('询问笔录：当事人承认代扫。') });
      await page.click('#attachment-upload');
      await waitForText(page, '#attachments', (t) => t.includes('询问笔录.txt'));

      await page.selectOption('#close-resolution', 'confirmed');
      await page.fill('#close-reason', '经核实，代扫属实');
      await page.click('#close-button');
      await waitForStatus(page, 'closed');
      expect(await page.locator('#case-status').innerText()).toContain('属实');
      await waitForText(page, '#audit tbody', (t) => t.includes('办结'));
      const actions = await page.locator('#audit tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.action));
      expect(actions).toEqual(['case.taken', 'case.started', 'case.note-added', 'case.attachment-added', 'case.closed']);
      expect(await page.locator('#audit tbody').innerText()).toContain('经核实，代扫属实');
      expect(await page.isVisible('#reopen-box')).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-case-closed.png'), fullPage: true });

      // the printable case file
      await page.goto(`${baseUrl}/console/cases/${caseId}/print`);
      await waitForText(page, '#file-title', (t) => t.includes('代扫/虚假扫码'));
      await waitForText(page, '#audit tbody', (t) => t.includes('办结'));
      expect(await page.locator('#file-attachments').innerText()).toContain('询问笔录.txt');
      expect(await page.locator('#map svg circle.scan.outside').count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-case-print.png'), fullPage: true });

      // back in the queue: the case is closed
      await page.goto(`${baseUrl}/console`);
      await waitUntilVisible(page, '#main-view', 10_000);
      await page.selectOption('#f-status', 'closed');
      await page.click('#search');
      await waitUntilVisible(page, `#cases tr[data-case-id="${caseId}"][data-status="closed"]`, 10_000);

      // the dashboard shows the outcome in the model quality figures
      await page.goto(`${baseUrl}/console/dashboard`);
      await waitForText(page, '#quality tbody', (t) => /代扫\/虚假扫码\s+\d+\s+1\s+0\s+0\s+100%/.test(t));
      await page.screenshot({ path: join(SCREENSHOTS, 'console-dashboard.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a lead sees the hosted-whom graph; an inspector of another county is told the case does not exist', async () => {
    const a = h.fixture.unitA;
    const b = h.fixture.unitB;
    const caseId = await f.insertCase({ regionCode: '330803', model: 'mutual-treating', subjectType: 'unit-pair', subjectId: [a.id, b.id].sort().join('+'), subjectName: `${a.name}与${b.name}`, evidence: mutualTreatingEvidence(a, b) });
    const lead = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const other = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const page = await lead.newPage();
      await page.goto(`${baseUrl}/console/cases/${caseId}`);
      await page.fill('#login-id', f.cityLead.externalId);
      await page.click('#login-submit');
      await waitForStatus(page, 'new');
      await waitForText(page, '#who-name', (t) => t.includes('组长'));
      await waitUntilVisible(page, '#graph svg', 5_000);
      expect(await page.locator('#graph svg circle.node').count()).toBe(2);
      expect(await page.locator(`#graph svg path.edge[data-host="${a.id}"][data-guest="${b.id}"]`).count()).toBe(1);
      expect(await page.locator(`#graph svg path.edge[data-host="${b.id}"][data-guest="${a.id}"]`).count()).toBe(1);
      expect(await page.isVisible('#assign-box')).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-graph.png'), fullPage: true });

      const stranger = await other.newPage();
      await stranger.goto(`${baseUrl}/console/cases/${caseId}`);
      await stranger.fill('#login-id', f.kecheng.externalId);
      await stranger.click('#login-submit');
      await waitForText(stranger, '#message', (t) => t.includes('不存在或不在您的管辖范围内'));
      expect(await stranger.isVisible('#graph svg')).toBe(false);
    } finally {
      await lead.close();
      await other.close();
    }
  });
});
