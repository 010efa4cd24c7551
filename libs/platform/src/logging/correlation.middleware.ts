import { NextFunction, Request, Response } from 'express';
import { CORRELATION_HEADER, CorrelationContext } from './correlation-context';

/**
 * The first middleware of every service: accepts the caller's correlation id (or makes one), echoes it in the
 * response header, and runs the rest of the request inside the correlation context. pino-http reads the same
 * header afterwards, so the request log and every log line of the request carry the same id.
 */
export function correlationMiddleware(req: Request, res: Response, next: NextFunction): void {
  const id = CorrelationContext.accept(req.headers[CORRELATION_HEADER]);
  req.headers[CORRELATION_HEADER] = id;
  res.setHeader(CORRELATION_HEADER, id);
  CorrelationContext.run(id, next);
}
