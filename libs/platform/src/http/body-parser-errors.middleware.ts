import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';

/**
 * Express error middleware placed right after the body parsers: turns their errors (malformed JSON, a body over
 * the limit, a wrong charset) into HTTP exceptions with stable codes before Nest's generic mapping loses the type.
 */
export function bodyParserErrors(error: unknown, _req: Request, _res: Response, next: NextFunction): void {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { type?: unknown; status?: unknown; message?: unknown };
  switch (e.type) {
    case 'entity.parse.failed':
      return next(new BadRequestException({ code: 'MALFORMED_JSON', message: `The request body is not valid JSON: ${String(e.message)}` }));
    case 'entity.too.large':
      return next(new HttpException({ code: 'BODY_TOO_LARGE', message: 'The request body is larger than the service accepts' }, HttpStatus.PAYLOAD_TOO_LARGE));
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return next(new HttpException({ code: 'UNSUPPORTED_ENCODING', message: String(e.message) }, HttpStatus.UNSUPPORTED_MEDIA_TYPE));
    default:
      // any other client error of the parsers (a gzip body that does not inflate, a body shorter than its
      // Content-Length, an aborted upload) is the client's fault: its 4xx, not a 500
      if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
        return next(new HttpException({ code: 'MALFORMED_BODY', message: `The request body cannot be read: ${String(e.message)}` }, e.status));
      }
      return next(error);
  }
}
