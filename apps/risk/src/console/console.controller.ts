import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Public } from '@meal/auth';

/** Served from beside this file: src/console/public under jest and ts-node, dist/…/console/public after `nest build` (asset copy). */
export const CONSOLE_PUBLIC_DIR = join(__dirname, 'public');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Same-origin scripts, styles and API calls only; no inline script; blob: for downloads. No external map tiles. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGES = { queue: 'queue.html', case: 'case.html', print: 'print.html', dashboard: 'dashboard.html' } as const;

/** The inspectors' console pages (纪检监察核查工作台). Every route is @Public; the pages authenticate their API calls. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  /** File name → contents, read once: the asset list is closed, so no path from a request reaches the file system. */
  private readonly assets = new Map<string, Buffer>();

  constructor() {
    for (const name of readdirSync(CONSOLE_PUBLIC_DIR)) {
      if (CONTENT_TYPES[extname(name)]) this.assets.set(name, readFileSync(join(CONSOLE_PUBLIC_DIR, name)));
    }
  }

  @Get()
  @Public()
  queue(@Res() res: Response): void {
    this.sendPage(res, PAGES.queue);
  }

  @Get('dashboard')
  @Public()
  dashboard(@Res() res: Response): void {
    this.sendPage(res, PAGES.dashboard);
  }

  @Get('cases/:id')
  @Public()
  caseDetail(@Res() res: Response): void {
    this.sendPage(res, PAGES.case);
  }

  @Get('cases/:id/print')
  @Public()
  casePrint(@Res() res: Response): void {
    this.sendPage(res, PAGES.print);
  }

  @Get('assets/:file')
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

  private sendPage(res: Response, file: string): void {
    const body = this.assets.get(file);
    if (!body) throw new NotFoundException({ code: 'PAGE_NOT_FOUND', message: `page ${file} is missing from the build` });
    res.setHeader('Content-Type', CONTENT_TYPES['.html'] as string);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.send(body);
  }
}
