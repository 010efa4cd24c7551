import { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Times every HTTP request by its route pattern (not the raw URL, so ids don't explode the label set) and the status
 * actually sent, error responses included (recorded when the response finished). An Express middleware rather than a
 * Nest interceptor: a global interceptor puts an RxJS pipeline and an async-resource binding on every request.
 */
export function createHttpMetricsMiddleware(metrics: MetricsService): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const end = metrics.httpRequestDuration.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      end({ method: req.method, route: typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched', status: String(res.statusCode) });
    });
    next();
  };
}
