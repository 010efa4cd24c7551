// eslint-disable-next-line @typescript-eslint/no-var-requires
const autocannon = require('autocannon');

export interface PreparedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Hands out each prepared request once, across all connections of all autocannon instances that share it. */
export class RequestPool {
  private next = 0;
  exhausted = 0;
  constructor(private readonly requests: readonly PreparedRequest[], private readonly fallback?: PreparedRequest) {}

  get used(): number {
    return this.next;
  }

  get size(): number {
    return this.requests.length;
  }

  take(): PreparedRequest {
    const r = this.requests[this.next];
    if (r === undefined) {
      this.exhausted += 1;
      // A repeated body would be an idempotent replay or a one-meal-per-slot refusal: never count it as a scan.
      if (this.fallback) return this.fallback;
      throw new Error('request pool exhausted');
    }
    this.next += 1;
    return r;
  }
}

export interface LoadResult {
  durationSeconds: number;
  requests: number;
  status2xx: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  perSecond2xx: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  requestsPerSecondMean: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  pool: RequestPool;
  overallRate?: number;
  timeoutSeconds?: number;
}

/** One autocannon run; every request takes the next prepared request from the pool. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const statusCounts: Record<string, number> = {};
    const started = process.hrtime.bigint();
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        overallRate: options.overallRate,
        timeout: options.timeoutSeconds ?? 10,
        pipelining: 1,
        requests: [
          {
            setupRequest: (req: Record<string, unknown>) => {
              const p = options.pool.take();
              return { ...req, method: p.method, path: p.path, headers: p.headers, body: p.body };
            },
          },
        ],
      },
      (error: Error | null, result: any) => {
        if (error) return reject(error);
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        const status2xx: number = result['2xx'];
        resolve({
          durationSeconds: Math.round(elapsed * 100) / 100,
          requests: result.requests.total,
          status2xx,
          non2xx: result.non2xx,
          statusCounts,
          errors: result.errors,
          timeouts: result.timeouts,
          perSecond2xx: Math.round((status2xx / options.durationSeconds) * 10) / 10,
          latencyMs: {
            p50: result.latency.p50,
            p90: result.latency.p90,
            p99: result.latency.p99,
            p999: result.latency.p99_9,
            max: result.latency.max,
            mean: result.latency.average,
          },
          requestsPerSecondMean: result.requests.average,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number) => {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    });
  });
}

/**
 * An open-loop, evenly paced load (requests spread over each second, not autocannon's per-connection bursts at the
 * start of every second): latency is measured from each request's scheduled time (coordinated omission corrected).
 */
export async function runPacedLoad(options: { url: string; rate: number; durationSeconds: number; pool: RequestPool; maxSockets?: number }): Promise<LoadResult> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const http = require('node:http') as typeof import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const target = new URL(options.url);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  let okInWindow = 0;
  const start = performance.now();
  const end = start + options.durationSeconds * 1000;
  const total = Math.floor(options.rate * options.durationSeconds);
  const fire = (scheduledAt: number): void => {
    const p = options.pool.take();
    inFlight += 1;
    const req = http.request(
      { host: target.hostname, port: target.port, method: p.method, path: p.path, headers: p.body ? { ...p.headers, 'content-length': Buffer.byteLength(p.body) } : p.headers, agent },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          inFlight -= 1;
          const now = performance.now();
          statusCounts[res.statusCode ?? 0] = (statusCounts[res.statusCode ?? 0] ?? 0) + 1;
          if (now <= end && String(res.statusCode).startsWith('2')) okInWindow += 1;
          if (scheduledAt < end) latencies.push(now - scheduledAt);
        });
      },
    );
    req.on('error', () => {
      inFlight -= 1;
      errors += 1;
    });
    if (p.body) req.write(p.body);
    req.end();
  };
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * options.rate));
      while (sent < due) {
        fire(start + (sent * 1000) / options.rate);
        sent += 1;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, 2);
    };
    tick();
  });
  const drainUntil = performance.now() + 15_000;
  while (inFlight > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (f: number): number => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))]! * 10) / 10 : 0);
  const ok = Object.entries(statusCounts).filter(([s]) => s.startsWith('2')).reduce((a, [, n]) => a + n, 0);
  const all = Object.values(statusCounts).reduce((a, n) => a + n, 0);
  return {
    durationSeconds: Math.round(((performance.now() - start) / 1000) * 100) / 100,
    requests: all,
    status2xx: ok,
    non2xx: all - ok,
    statusCounts,
    errors,
    timeouts: 0,
    // completions inside the window only (responses drained after it are counted in statusCounts, not here)
    perSecond2xx: Math.round((okInWindow / options.durationSeconds) * 10) / 10,
    latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: q(1), mean: latencies.length ? Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 10) / 10 : 0 },
    requestsPerSecondMean: Math.round(all / options.durationSeconds),
  };
}
