import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { join } from 'node:path';
import { Public } from '@meal/auth';
import { StaticPages } from '@meal/platform';

/** Served from beside this file: src/console/public under jest and ts-node, dist/…/console/public after `nest build` (asset copy). */
export const CONSOLE_PUBLIC_DIR = join(__dirname, 'public');

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
  private readonly pages = new StaticPages(CONSOLE_PUBLIC_DIR, { contentSecurityPolicy: PAGE_CSP });

  @Get()
  @Public()
  queue(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.queue);
  }

  @Get('dashboard')
  @Public()
  dashboard(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.dashboard);
  }

  @Get('cases/:id')
  @Public()
  caseDetail(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.case);
  }

  @Get('cases/:id/print')
  @Public()
  casePrint(@Res() res: Response): void {
    this.pages.sendPage(res, PAGES.print);
  }

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.pages.sendAsset(res, file);
  }
}
