import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, LaunchOptions, Page } from 'playwright-core';

/** Debian's Chromium (apt package `chromium`); `npx playwright install` cannot download browsers here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-sync',
  '--disable-component-update',
] as const;

/** Whether browser tests can run; when not, say why (they skip only for a missing Chromium). */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** `describe` when Chromium is installed, else `describe.skip` with a message saying what is missing. */
export function describeWithChromium(name: string, body: () => void): void {
  if (chromiumAvailable()) {
    describe(name, body);
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED "${name}": no Chromium at ${CHROMIUM_PATH} (install the Debian package: apt-get install -y chromium)`);
  describe.skip(`${name} (skipped: no Chromium at ${CHROMIUM_PATH})`, body);
}

/** Launches the system Chromium through playwright-core, headless, with the flags that work in containers. */
export async function launchChromium(options: { extraArgs?: string[] } & Omit<LaunchOptions, 'executablePath' | 'args'> = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const { extraArgs = [], ...rest } = options;
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true, timeout: 30_000, ...rest });
}

/** A phone-sized context in Chinese and Beijing time (the diner page); pass overrides for the terminal/admin pages. */
export async function newPhoneContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  });
}

/**
 * Waits until `selector` is visible, polling from the test process rather than inside the page. Playwright's own
 * waits poll inside the page; on a page that decodes camera frames with a fake clock installed, that in-page
 * polling was seen to stall (Chromium 156), while the element had long been visible.
 */
export async function waitUntilVisible(page: Page, selector: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.locator(selector).first().isVisible()) return;
    if (Date.now() > deadline) throw new Error(`${selector} not visible after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
