import cluster, { Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { AggregatorRegistry, Registry } from 'prom-client';

/**
 * Several processes of one service on one port (node:cluster), for a host with more than one core: the primary
 * forks the workers, restarts one that dies, stops them all on SIGTERM or SIGINT, and answers the workers' requests
 * for the cluster's metrics (prom-client's AggregatorRegistry, which only the primary can run). It loads neither
 * Nest nor the database.
 */

/** Wait before forking a replacement for a worker that died, so a worker failing at boot does not spin. */
const RESTART_DELAY_MS = 1_000;
/** Workers dying one after another before they listen: the service cannot start (bad configuration, say); stop. */
const MAX_BOOT_FAILURES_IN_A_ROW = 3;
/** A worker that has not stopped this long after SIGTERM is killed. */
const STOP_TIMEOUT_MS = 30_000;
/** How long a worker waits for the primary's aggregated metrics. */
const METRICS_TIMEOUT_MS = 5_000;

interface ClusterMetricsRequest {
  type: 'meal:cluster-metrics-request';
  id: string;
}

interface ClusterMetricsResponse {
  type: 'meal:cluster-metrics-response';
  id: string;
  text?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

export function isClusterPrimaryOf(workers: number): boolean {
  return workers > 1 && cluster.isPrimary;
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** Runs the primary: forks `workers` processes of this same script and looks after them until it is stopped. */
export function runClusterPrimary(workers: number, title: string, logLevel: string): void {
  const log = pino({ level: logLevel, base: { pid: process.pid, role: 'cluster-primary', service: title } });
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let exitCode = 0;
  let bootFailuresInARow = 0;
  const listening = new WeakSet<Worker>();

  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  const fork = (): void => {
    const worker = cluster.fork();
    log.info({ worker: worker.process.pid }, 'worker started');
  };
  cluster.on('listening', (worker) => {
    listening.add(worker);
    bootFailuresInARow = 0;
    log.info({ worker: worker.process.pid }, 'worker listening');
  });

  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage<ClusterMetricsRequest>(message, 'meal:cluster-metrics-request')) return;
    const reply = (body: Omit<ClusterMetricsResponse, 'type' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ type: 'meal:cluster-metrics-response', id: message.id, ...body });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (alive().length === 0) {
        log.info('all workers stopped');
        process.exit(exitCode);
      }
      return;
    }
    if (!listening.has(worker) && (bootFailuresInARow += 1) >= MAX_BOOT_FAILURES_IN_A_ROW) {
      log.fatal({ worker: worker.process.pid, code, signal }, `${bootFailuresInARow} workers in a row died before listening; stopping the service`);
      stop('the workers cannot start', 1);
      return;
    }
    log.error({ worker: worker.process.pid, code, signal }, `worker died; a new one starts in ${RESTART_DELAY_MS} ms`);
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS);
  });

  const stop = (reason: string, code = 0): void => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    log.info({ reason }, 'stopping the workers');
    const running = alive();
    if (running.length === 0) process.exit(exitCode);
    // Nest in each worker shuts down gracefully on the first signal and ignores a second (a Ctrl-C reaches the
    // whole process group), so SIGTERM is sent whatever the primary received.
    for (const worker of running) worker.process.kill('SIGTERM');
    setTimeout(() => {
      log.error('workers did not stop in time; killing them');
      for (const worker of alive()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  log.info({ workers }, 'starting workers');
  for (let i = 0; i < workers; i++) fork();
}

/** In a worker: the registry the primary's aggregation reads. Call once the service's registry exists. */
export function shareRegistryWithPrimary(registry: Registry): void {
  // prom-client answers the primary's requests only once an AggregatorRegistry exists in the process
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

/** In a worker: the metrics of every worker, aggregated by the primary (counters and histograms summed). */
export function clusterMetricsFromPrimary(): Promise<string> {
  const id = randomUUID();
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error(`the cluster primary did not answer the metrics request within ${METRICS_TIMEOUT_MS} ms`));
    }, METRICS_TIMEOUT_MS);
    const onMessage = (message: unknown): void => {
      if (!isMessage<ClusterMetricsResponse>(message, 'meal:cluster-metrics-response') || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(message.error ?? 'the cluster primary could not aggregate the metrics'));
    };
    process.on('message', onMessage);
    const request: ClusterMetricsRequest = { type: 'meal:cluster-metrics-request', id };
    process.send?.(request);
  });
}
