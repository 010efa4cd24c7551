import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Public } from '@meal/auth';
import { AppConfig } from '@meal/config';

/** Served from beside this file: src/web/public under jest and ts-node, dist/…/web/public after `nest build` (asset copy). */
export const WEB_PUBLIC_DIR = join(__dirname, 'public');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
};

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
  /** File name → contents, read once: the asset list is closed, so no path from a request ever reaches the file system. */
  private readonly assets = new Map<string, Buffer>();
  private zxing?: Buffer;

  constructor(private readonly config: AppConfig) {
    for (const name of readdirSync(WEB_PUBLIC_DIR)) {
      if (CONTENT_TYPES[extname(name)]) this.assets.set(name, readFileSync(join(WEB_PUBLIC_DIR, name)));
    }
  }

  @Get('app')
  @Public()
  root(@Res() res: Response): void {
    res.redirect(302, '/app/diner');
  }

  @Get('app/diner')
  @Public()
  diner(@Res() res: Response): void {
    this.sendPage(res, PAGES.diner);
  }

  /** Where a phone camera lands after scanning a canteen's meal code (`<publicBaseUrl>/m/<jws>`): the diner page, code prefilled. */
  @Get('m/:code')
  @Public()
  mealCodeLanding(@Res() res: Response): void {
    this.sendPage(res, PAGES.diner);
  }

  @Get('app/terminal')
  @Public()
  terminal(@Res() res: Response): void {
    this.sendPage(res, PAGES.terminal);
  }

  @Get('app/admin')
  @Public()
  admin(@Res() res: Response): void {
    this.sendPage(res, PAGES.admin);
  }

  /** 结算工作台: periods, nets, statements and approvals for settlement officers. */
  @Get('app/settlement')
  @Public()
  settlement(@Res() res: Response): void {
    this.sendPage(res, PAGES.settlement);
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
    const body = this.assets.get(file);
    const type = CONTENT_TYPES[extname(file)];
    if (!body || !type || file.endsWith('.html')) throw new NotFoundException({ code: 'ASSET_NOT_FOUND', message: `no asset ${file}` });
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(body);
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

  private sendPage(res: Response, file: string): void {
    const body = this.assets.get(file);
    if (!body) throw new NotFoundException({ code: 'PAGE_NOT_FOUND', message: `page ${file} is missing from the build` });
    res.setHeader('Content-Type', CONTENT_TYPES['.html'] as string);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Permissions-Policy', 'camera=(self), geolocation=(self)');
    res.send(body);
  }
}
