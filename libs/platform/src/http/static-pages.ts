import { NotFoundException } from '@nestjs/common';
import { Response } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
};

export interface StaticPagesOptions {
  /** Content-Security-Policy of the pages (their assets are not documents and need none). */
  contentSecurityPolicy: string;
  /** Permissions-Policy of the pages, e.g. `camera=(self)`; none by default. */
  permissionsPolicy?: string;
}

/**
 * The HTML pages and static assets of a service's web folder, read once at start: the file list is closed, so no
 * path from a request ever reaches the file system. Pages go out with the given CSP and the usual hardening headers;
 * assets (not .html) by file name, anything else is 404 ASSET_NOT_FOUND.
 */
export class StaticPages {
  private readonly files = new Map<string, Buffer>();

  constructor(
    directory: string,
    private readonly options: StaticPagesOptions,
  ) {
    for (const name of readdirSync(directory)) {
      if (CONTENT_TYPES[extname(name)]) this.files.set(name, readFileSync(join(directory, name)));
    }
  }

  sendPage(res: Response, file: string): void {
    const body = this.files.get(file);
    if (!body) throw new NotFoundException({ code: 'PAGE_NOT_FOUND', message: `page ${file} is missing from the build` });
    res.setHeader('Content-Type', CONTENT_TYPES['.html'] as string);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', this.options.contentSecurityPolicy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (this.options.permissionsPolicy) res.setHeader('Permissions-Policy', this.options.permissionsPolicy);
    res.send(body);
  }

  sendAsset(res: Response, file: string): void {
    const body = this.files.get(file);
    const type = CONTENT_TYPES[extname(file)];
    if (!body || !type || file.endsWith('.html')) throw new NotFoundException({ code: 'ASSET_NOT_FOUND', message: `no asset ${file}` });
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(body);
  }
}
