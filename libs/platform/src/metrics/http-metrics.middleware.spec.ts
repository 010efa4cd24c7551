import express from 'express';
import request from 'supertest';
import { createHttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsService } from './metrics.service';

describe('createHttpMetricsMiddleware', () => {
  it('times requests by route pattern and the status actually sent, errors and unmatched paths included', async () => {
    const metrics = new MetricsService();
    const app = express();
    app.use(createHttpMetricsMiddleware(metrics));
    app.get('/meals/:id', (_req, res) => void res.json({ ok: true }));
    app.post('/meals/:id/void', (_req, _res, next) => next(Object.assign(new Error('already voided'), { status: 409 })));
    app.use((error: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).json({ message: error.message });
    });

    await request(app).get('/meals/6a1f0e2e-0000-4000-8000-000000000001').expect(200);
    await request(app).get('/meals/6a1f0e2e-0000-4000-8000-000000000002').expect(200);
    await request(app).post('/meals/6a1f0e2e-0000-4000-8000-000000000001/void').expect(409);
    await request(app).get('/nowhere').expect(404);

    const counts = (await metrics.httpRequestDuration.get()).values
      .filter((v) => v.metricName === 'http_request_duration_seconds_count')
      .map((v) => `${v.labels.method} ${v.labels.route} ${v.labels.status} ${v.value}`)
      .sort();
    expect(counts).toEqual(['GET /meals/:id 200 2', 'GET unmatched 404 1', 'POST /meals/:id/void 409 1']);
  });
});
