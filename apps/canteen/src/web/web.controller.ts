import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '@meal/auth';
import { AppConfig } from '@meal/config';
import { StaticPages } from '@meal/platform';

/** Served from beside this file: src/web/public under jest and ts-node, dist/…/web/public after `nest build` (asset copy). */
export const WEB_PUBLIC_DIR = join(__dirname, 'public');

/**
 * Same-origin scripts, styles and API calls only; no inline script. Inline styles are allowed because the admin
 * page opens the (server-rendered, script-free) poster through a blob: URL, which inherits this policy.
 * Camera (getUserMedia) and geolocation are allowed for this origin.
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGES = { diner: 'diner.html', terminal: 'terminal.html', admin: 'admin.html', settlement: 'settlement.html' } as const;

/** The zxing UMD bundle (self-contained: @zxing/browser with @zxing/library inside), resolved from node_modules. */
function zxingBundlePath(): string {
  return require.resolve('@zxing/browser/umd/zxing-browser.min.js');
}

/** The pages and their static assets. Every route is @Public; the pages authenticate their API calls themselves. */
@ApiExcludeController()
@Controller()
export class WebController {
  private readonly pages = new StaticPages(WEB_PUBLIC_DIR, { contentSecurityPolicy: PAGE_CSP, permissionsPolicy: 'camera=(self), geolocation=(self)' });
  private zxing?: Buffer;

  constructor(private readonly config: AppConfig) {}

  @Get('app')
  @Public()
  root(@Res() res: Response): void {
    res.redirect(302, '/app/diner');
  }

  @Get('app/diner')
  @Public()
  diner(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.diner);
  }

  /** Where a phone camera lands after scanning a canteen's meal code (`<publicBaseUrl>/m/<jws>`): the diner page, code prefilled. */
  @Get('m/:code')
  @Public()
  mealCodeLanding(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.diner);
  }

  @Get('app/terminal')
  @Public()
  terminal(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.terminal);
  }

  @Get('app/admin')
  @Public()
  admin(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.admin);
  }

  /** 结算工作台: periods, nets, statements and approvals for settlement officers. */
  @Get('app/settlement')
  @Public()
  settlement(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.settlement);
  }

  /** What the pages need to know about the deployment: the meal-code URL prefix (to turn a bare /m/<jws> into the scanned text). */
  @Get('app/config.json')
  @Public()
  @Header('Cache-Control', 'no-store')
  pageConfig(): { mealCodeBaseUrl: string } {
    return { mealCodeBaseUrl: this.config.mealCode.publicBaseUrl };
  }

  @Get('app/assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.pages.sendAsset(res, file);
  }

  /** @zxing/browser (QR decoding from the camera), served from node_modules. */
  @Get('app/vendor/zxing-browser.min.js')
  @Public()
  zxingBundle(@Res() res: Response): void {
    this.zxing ??= readFileSync(zxingBundlePath());
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(this.zxing);
  }
}
