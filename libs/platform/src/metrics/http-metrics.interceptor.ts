import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Request, Response } from 'express';
import { Observable, finalize } from 'rxjs';
import { MetricsService } from './metrics.service';

/** Times every HTTP request by its route pattern (not the raw URL, so ids don't explode the label set). */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const end = this.metrics.httpRequestDuration.startTimer();
    const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
    return next.handle().pipe(finalize(() => end({ method: request.method, route, status: String(response.statusCode) })));
  }
}
