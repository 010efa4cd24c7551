/**
 * Scan benchmark (issue 3, "Performance"): POST /scans through HTTP → commit (meal + pass + outbox row), on this
 * machine, service and PostgreSQL together.
 *
 *   npm run bench:scan -- [--transport embedded|kafka|both] [--runs 3] [--connections 64] [--duration 15] [--warmup 3]
 *                         [--pool 16] [--rate 1000] [--diners 150000] [--pgbench-seconds 15] [--keep] [--no-build]
 *                         [--target scan|health] [--cpu-prof] [--workers 1]
 *
 * 1. Builds the canteen service into bench/dist (git-ignored), creates a fresh database `meal_bench_scan`
 *    (drop/create, migrate, seed scale 1, bench diners, lunch open all day Asia/Shanghai), issues every canteen's
 *    meal code through the API, pre-signs one diner token per bench diner and pre-builds every request body.
 * 2. Starts the service as a child process (NODE_ENV=production, LOG_LEVEL=warn).
 * 3. Throughput: autocannon at max rate, every request a different diner with a unique Idempotency-Key; 2xx only
 *    count as scans; meals are truncated between runs so the diners can scan again. Median of the runs.
 * 4. Latency at a fixed 1,000 scans/s (autocannon overallRate; coordinated omission corrected by autocannon).
 * 5. Raw-SQL limit: pgbench with bench/scan-transaction.sql (generated from the scanning repository's SQL, as many scans
 *    per transaction as the service's group commit reached: the same statements the service ran).
 * 6. Writes bench/results/scan.json and prints a summary. 7. Stops the service, drops the database (unless --keep).
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { dropDatabase, withDatabase } from '@meal/database';
import { issueMealCodes, Keys, makeKeys } from './lib/fixture';
import { LoadResult, PreparedRequest, RequestPool, runLoad, runPacedLoad } from './lib/load';
import { prepareDatabase, query, resetMeals, BenchCanteen, BenchDiner } from './lib/prepare';
import { PgbenchResult, runPgbench, writeScanScript } from './lib/pgbench';
import { BenchKafka } from './lib/kafka-login';
import { CpuWindow, round, ServiceHandle, serviceTreeStat, startCpuWindow, startService } from './lib/service';

const REPO = resolve(__dirname, '..');

// ── arguments ────────────────────────────────────────────────────────────────────────────────────────────────
const argv = process.argv.slice(2);
function flag(name: string): boolean {
  return argv.includes(`--${name}`);
}
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}
const opts = {
  transport: option('transport', 'embedded') as 'embedded' | 'kafka' | 'both',
  runs: Number(option('runs', '3')),
  connections: Number(option('connections', '64')),
  duration: Number(option('duration', '15')),
  warmup: Number(option('warmup', '3')),
  pool: Number(option('pool', '16')),
  rate: Number(option('rate', '1000')),
  /** A second fixed-rate latency run at a rate this machine sustains (0: skip), to show latency without overload. */
  lowRate: Number(option('low-rate', '100')),
  diners: Number(option('diners', '150000')),
  pgbenchSeconds: Number(option('pgbench-seconds', '15')),
  pgbenchRuns: Number(option('pgbench-runs', option('runs', '3'))),
  keep: flag('keep'),
  build: !flag('no-build'),
  target: option('target', 'scan') as 'scan' | 'health',
  cpuProf: flag('cpu-prof'),
  /** Node flags of the service process, space-separated (default: those of docker/canteen.Dockerfile). */
  nodeArgs: option('node-args', '').split(' ').filter(Boolean),
  /** CANTEEN_WORKERS: processes of the service sharing its port (node:cluster); CPU and RSS are summed over them. */
  workers: Number(option('workers', '1')),
  port: Number(option('port', '3917')),
  databaseUrl: option('database-url', withDatabase(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/official_meal', 'meal_bench_scan')),
};

const t0 = Date.now();
function log(message: string): void {
  process.stdout.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Dataset {
  canteens: BenchCanteen[];
  diners: BenchDiner[];
  tokens: string[];
  codes: Map<string, string>;
}

/** One request per diner (in a shuffled order), each with a fresh Idempotency-Key; diner i scans canteen (i mod C). */
function buildScanRequests(data: Dataset, runTag: string, from: number, to: number): PreparedRequest[] {
  const out: PreparedRequest[] = [];
  for (let i = from; i < to; i += 1) {
    const diner = data.diners[i]!;
    const canteen = data.canteens[(i * 31) % data.canteens.length]!;
    out.push({
      method: 'POST',
      path: '/scans',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${data.tokens[i]}`,
        'idempotency-key': `${runTag}-${diner.n}`,
      },
      body: JSON.stringify({
        code: data.codes.get(canteen.id),
        // ~5 m north-east of the canteen: inside every geofence (radius ≥ 10 m)
        latitude: canteen.latitude + 0.00003,
        longitude: canteen.longitude + 0.00003,
        accuracyMeters: 8,
        purpose: 'official',
      }),
    });
  }
  // shuffle so consecutive requests hit different canteens/diners like a real rush
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const HEALTH_REQUEST: PreparedRequest = { method: 'GET', path: '/health/live', headers: {} };
/** Returned when the pool runs dry: a 404, so it can never be counted as a scan. */
const EXHAUSTED_REQUEST: PreparedRequest = { method: 'GET', path: '/bench-request-pool-exhausted', headers: {} };

// ── database observations ────────────────────────────────────────────────────────────────────────────────────
interface DbCounters {
  xactCommit: number;
  xactRollback: number;
  tupFetched: number;
  tupInserted: number;
  blksHit: number;
  blksRead: number;
}
async function dbCounters(url: string): Promise<DbCounters> {
  const [row] = await query<Record<string, string>>(
    url,
    `SELECT xact_commit, xact_rollback, tup_fetched, tup_inserted, blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()`,
  );
  return {
    xactCommit: Number(row!.xact_commit),
    xactRollback: Number(row!.xact_rollback),
    tupFetched: Number(row!.tup_fetched),
    tupInserted: Number(row!.tup_inserted),
    blksHit: Number(row!.blks_hit),
    blksRead: Number(row!.blks_read),
  };
}

async function mealAndOutboxCounts(url: string): Promise<{ meals: number; outbox: number; unpublished: number }> {
  const [row] = await query<Record<string, string>>(
    url,
    `SELECT (SELECT count(*) FROM meals) AS meals, (SELECT count(*) FROM outbox_events) AS outbox,
            (SELECT count(*) FROM outbox_events WHERE published_at IS NULL) AS unpublished`,
  );
  return { meals: Number(row!.meals), outbox: Number(row!.outbox), unpublished: Number(row!.unpublished) };
}

/** Waits for the outbox relay to publish everything; returns seconds waited (or -1 after the limit). */
async function waitOutboxDrained(url: string, limitSeconds = 120): Promise<number> {
  const start = Date.now();
  for (;;) {
    const { unpublished } = await mealAndOutboxCounts(url);
    if (unpublished === 0) return round((Date.now() - start) / 1000, 1);
    if (Date.now() - start > limitSeconds * 1000) return -1;
    await sleep(250);
  }
}

/** Sum and count of the service's scan_group_size histogram, by statement. */
async function scanGroupStats(baseUrl: string): Promise<Record<string, { sum: number; count: number }>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const out: Record<string, { sum: number; count: number }> = {};
  for (const m of text.matchAll(/^scan_group_size_(sum|count)\{statement="(\w+)"\} ([\d.e+]+)$/gm)) {
    const entry = (out[m[2]!] ??= { sum: 0, count: 0 });
    entry[m[1] as 'sum' | 'count'] = Number(m[3]);
  }
  return out;
}

function meanOf(before: { sum: number; count: number } | undefined, after: { sum: number; count: number } | undefined): number | null {
  if (!after) return null;
  const count = after.count - (before?.count ?? 0);
  return count > 0 ? round((after.sum - (before?.sum ?? 0)) / count, 1) : null;
}

// ── one measured load phase ──────────────────────────────────────────────────────────────────────────────────
interface PhaseResult {
  kind: 'throughput' | 'latency';
  generator: 'autocannon' | 'paced';
  transport: string;
  run: number;
  connections: number;
  durationSeconds: number;
  overallRate?: number;
  scansPerSecond: number;
  load: LoadResult;
  warmup: { status2xx: number; non2xx: number; errors: number };
  cpu: CpuWindow;
  db: {
    mealsAfter: number;
    outboxRowsAfter: number;
    unpublishedAtEnd: number;
    outboxDrainSeconds: number;
    commitsPerScan: number;
    tuplesFetchedPerScan: number;
  };
  poolExhausted: number;
  /** Scans per statement of the group commit during the phase (from the service's scan_group_size histogram). */
  meanGroupSize?: { insert: number | null; dinerRead: number | null };
  /** CPU milliseconds per successful scan: robust against the noise of other processes (scans/s is not). */
  cpuMsPerScan: { service: number; postgres: number; loadGenerator: number };
}

async function runPhase(
  kind: 'throughput' | 'latency',
  run: number,
  service: ServiceHandle,
  data: Dataset,
  transport: string,
  overallRate?: number,
  generator: 'autocannon' | 'paced' = 'autocannon',
): Promise<PhaseResult> {
  await resetMeals(opts.databaseUrl);
  const tag = `b${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const requests = opts.target === 'scan' ? buildScanRequests(data, tag, 0, data.diners.length) : Array.from({ length: data.diners.length }, () => HEALTH_REQUEST);
  const pool = new RequestPool(requests, EXHAUSTED_REQUEST);
  const connections = kind === 'latency' ? 50 : opts.connections;
  const url = service.baseUrl;
  const paced = generator === 'paced' && overallRate !== undefined;
  const warm = paced
    ? await runPacedLoad({ url, rate: overallRate!, durationSeconds: opts.warmup, pool })
    : await runLoad({ url, connections, durationSeconds: opts.warmup, pool, overallRate });
  const before = await dbCounters(opts.databaseUrl);
  const endCpu = startCpuWindow(service.pid);
  const load = paced
    ? await runPacedLoad({ url, rate: overallRate!, durationSeconds: opts.duration, pool })
    : await runLoad({ url, connections, durationSeconds: opts.duration, pool, overallRate });
  const cpu = endCpu();
  const after = await dbCounters(opts.databaseUrl);
  await sleep(300); // in-flight requests dropped by autocannon at the end still commit
  const counts = await mealAndOutboxCounts(opts.databaseUrl);
  const drain = counts.unpublished === 0 ? 0 : await waitOutboxDrained(opts.databaseUrl);
  const scans = Math.max(1, load.status2xx);
  const result: PhaseResult = {
    kind,
    generator: paced ? 'paced' : 'autocannon',
    transport,
    run,
    connections,
    durationSeconds: opts.duration,
    overallRate,
    scansPerSecond: load.perSecond2xx,
    load,
    warmup: { status2xx: warm.status2xx, non2xx: warm.non2xx, errors: warm.errors },
    cpu,
    db: {
      mealsAfter: counts.meals,
      outboxRowsAfter: counts.outbox,
      unpublishedAtEnd: counts.unpublished,
      outboxDrainSeconds: drain,
      commitsPerScan: round((after.xactCommit - before.xactCommit) / scans, 2),
      tuplesFetchedPerScan: round((after.tupFetched - before.tupFetched) / scans, 1),
    },
    poolExhausted: pool.exhausted,
    cpuMsPerScan: {
      service: round((cpu.serviceCores * 1000) / Math.max(1, load.perSecond2xx), 2),
      postgres: round((cpu.postgresCores * 1000) / Math.max(1, load.perSecond2xx), 2),
      loadGenerator: round((cpu.loadGeneratorCores * 1000) / Math.max(1, load.perSecond2xx), 2),
    },
  };
  log(
    `${kind}${paced ? ' (paced)' : ''} ${transport} run ${run}: ${load.status2xx} × 2xx in ${opts.duration} s = ${result.scansPerSecond}/s, non-2xx ${load.non2xx} ${JSON.stringify(load.statusCounts)}, errors ${load.errors}, ` +
      `p50 ${load.latencyMs.p50} ms p99 ${load.latencyMs.p99} ms; cores: service ${cpu.serviceCores} postgres ${cpu.postgresCores} autocannon ${cpu.loadGeneratorCores} others ${cpu.otherCores} (machine ${cpu.machineBusyPercent}%); ` +
      `meals ${counts.meals} (warm-up 2xx ${warm.status2xx}), outbox backlog at end ${counts.unpublished} drained in ${drain} s, commits/scan ${result.db.commitsPerScan}; CPU ms/scan service ${result.cpuMsPerScan.service} postgres ${result.cpuMsPerScan.postgres}`,
  );
  if (pool.exhausted > 0) log(`WARNING: the request pool ran dry ${pool.exhausted} times; raise --diners`);
  return result;
}

async function firstEnvelope(url: string): Promise<string | undefined> {
  const rows = await query<{ envelope: string }>(url, `SELECT envelope::text AS envelope FROM outbox_events ORDER BY id LIMIT 1`);
  return rows[0]?.envelope;
}

/** One scan per canteen (its pass key is created on its first scan, its caches filled), outside the timed part. */
async function warmCanteens(service: ServiceHandle, data: Dataset, warmDiners: BenchDiner[], keys: Keys, transport: string): Promise<void> {
  await resetMeals(opts.databaseUrl);
  const warmStart = Date.now();
  let next = 0;
  let failures = 0;
  const warmer = async (): Promise<void> => {
    while (next < data.canteens.length) {
      const i = next++;
      const c = data.canteens[i]!;
      const d = warmDiners[i % warmDiners.length]!;
      const res = await fetch(`${service.baseUrl}/scans`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${keys.signToken({ sub: d.id, kind: 'staff', roles: ['diner'], name: d.name, unit_id: d.unitId })}`,
          'idempotency-key': `warm-${transport}-${i}-${Date.now()}`,
        },
        body: JSON.stringify({ code: data.codes.get(c.id), latitude: c.latitude, longitude: c.longitude, accuracyMeters: 8, purpose: 'official' }),
      });
      await res.arrayBuffer();
      if (!res.ok) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: 8 }, warmer));
  log(`warmed ${data.canteens.length} canteens (one scan each) in ${((Date.now() - warmStart) / 1000).toFixed(1)} s, ${failures} failures`);
}

/** One request at a time (no load): what a single scan costs end to end, next to a trivial route. */
async function sequentialProbe(service: ServiceHandle, data: Dataset, diners: BenchDiner[], keys: Keys, transport: string): Promise<Record<string, number>> {
  const time = async (f: () => Promise<Response>): Promise<number> => {
    const t = process.hrtime.bigint();
    const res = await f();
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`probe request failed: HTTP ${res.status}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const health: number[] = [];
  const scans: number[] = [];
  for (let i = 0; i < 40; i += 1) health.push(await time(() => fetch(`${service.baseUrl}/health/live`)));
  for (let i = 0; i < Math.min(40, diners.length); i += 1) {
    const d = diners[i]!;
    const c = data.canteens[(i * 7) % data.canteens.length]!;
    scans.push(
      await time(() =>
        fetch(`${service.baseUrl}/scans`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${keys.signToken({ sub: d.id, kind: 'staff', roles: ['diner'], name: d.name, unit_id: d.unitId })}`,
            'idempotency-key': `probe-${transport}-${i}-${Date.now()}`,
          },
          body: JSON.stringify({ code: data.codes.get(c.id), latitude: c.latitude, longitude: c.longitude, accuracyMeters: 8, purpose: 'official' }),
        }),
      ),
    );
  }
  const result = { healthP50Ms: round(median(health), 2), scanP50Ms: round(median(scans), 2), scanMaxMs: round(Math.max(...scans), 2) };
  log(`sequential probe (one request at a time): GET /health/live p50 ${result.healthP50Ms} ms; POST /scans p50 ${result.scanP50Ms} ms, max ${result.scanMaxMs} ms`);
  return result;
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────────────────────
async function main(): Promise<void> {
  const command = `npm run bench:scan${argv.length ? ' -- ' + argv.join(' ') : ''}`;
  log(`options ${JSON.stringify(opts)}`);
  const entry = join(REPO, 'bench/dist/canteen/apps/canteen/src/main.js');
  if (opts.build) {
    log('building the canteen service into bench/dist (nest build canteen --path bench/tsconfig.canteen-build.json)');
    execFileSync('npx', ['nest', 'build', 'canteen', '--path', 'bench/tsconfig.canteen-build.json'], { cwd: REPO, stdio: 'inherit' });
    // nest-cli.json copies the web assets to the default dist only; the service needs them beside its controller
    const assets = join(REPO, 'apps/canteen/src/web/public');
    if (existsSync(assets)) cpSync(assets, join(REPO, 'bench/dist/canteen/apps/canteen/src/web/public'), { recursive: true });
  }

  const keys = makeKeys();
  const prepared = await prepareDatabase(opts.databaseUrl, { seed: 20220701, scale: 1, benchDiners: opts.diners + 1200, log });
  // The last diners are kept out of the runs: the smoke test, and one warm-up scan per canteen and transport.
  const smokeDiners = prepared.diners.slice(opts.diners);
  const dinersForRuns = prepared.diners.slice(0, opts.diners);
  await query(opts.databaseUrl, `CREATE TABLE bench_canteens (n int PRIMARY KEY, id uuid NOT NULL, owner_unit_id uuid NOT NULL)`);
  await query(
    opts.databaseUrl,
    `INSERT INTO bench_canteens SELECT row_number() OVER (ORDER BY id), id, owner_unit_id FROM canteens WHERE id = ANY($1::uuid[])`,
    [prepared.canteens.map((c) => c.id)],
  );

  const signStart = Date.now();
  const tokens = dinersForRuns.map((d) => keys.signToken({ sub: d.id, kind: 'staff', roles: ['diner'], name: d.name, unit_id: d.unitId }));
  log(`signed ${tokens.length} diner tokens in ${((Date.now() - signStart) / 1000).toFixed(1)} s (TTL 3600 s)`);
  const adminToken = keys.signToken({ sub: prepared.adminStaffId, kind: 'staff', roles: ['diner', 'admin'], name: 'bench admin' });

  const transports: ('embedded' | 'kafka')[] = opts.transport === 'both' ? ['embedded', 'kafka'] : [opts.transport];
  const phases: PhaseResult[] = [];
  const pgbenchRuns: (Omit<PgbenchResult, 'output'> & { transactionsPerSecond: number; scansPerTransaction: number; transport: string; clients: number; pairedHttpRun: number; pairRatio: number; postgresCpuMsPerTransaction: number; cpuCores: Record<string, number> })[] = [];
  let startedKafka = false;
  let data: Dataset | undefined;
  const serviceStats: Record<string, unknown> = {};
  const scriptPath = join(REPO, 'bench/scan-transaction.sql');
  let scanTarget = opts.target;
  /** Scans per pgbench transaction: the group size the service's group commit reached in the first throughput run. */
  let pgbenchGroupSize = 1;

  try {
    for (const transport of transports) {
      const env: Record<string, string> = {
        ...keys.env,
        NODE_ENV: 'production',
        AUTH_DEV_LOGIN_ENABLED: 'false',
        LOG_LEVEL: 'warn',
        DATABASE_URL: opts.databaseUrl,
        DATABASE_POOL_SIZE: String(opts.pool),
        CANTEEN_PORT: String(opts.port),
        CANTEEN_WORKERS: String(opts.workers),
        KAFKA_BROKERS: '',
        KAFKA_TOPIC_PREFIX: '',
      };
      if (transport === 'kafka') {
        if (spawnSync('bash', ['scripts/kafka/kafka.sh', 'status'], { cwd: REPO }).status !== 0) {
          log('starting the Kafka broker (scripts/kafka/kafka.sh start)');
          execFileSync('bash', ['scripts/kafka/kafka.sh', 'start'], { cwd: REPO, stdio: 'inherit' });
          startedKafka = true;
        }
        // SASL/SCRAM and ACLs: the bench prefix's topics are provisioned, the service logs in as canteen-service
        const benchKafka = new BenchKafka('127.0.0.1:9092', REPO);
        const prefix = `bench-${Date.now().toString(36)}`;
        await benchKafka.provision(prefix);
        Object.assign(env, benchKafka.serviceEnv(prefix, 'canteen-service'));
      }
      mkdirSync(join(REPO, 'bench/results'), { recursive: true });
      let scriptWritten = false;
      // Each run is a pair measured back to back — the service under load, then (service stopped) pgbench — so the
      // ratio compares two figures taken under the same background noise; the ratio reported is the median of pairs.
      for (let run = 1; run <= opts.runs; run += 1) {
        const logFile = join(REPO, `bench/results/service-${transport}-${run}.log.tmp`);
        const nodeArgs = [...opts.nodeArgs, ...(opts.cpuProf && run === 1 ? ['--cpu-prof', `--cpu-prof-dir=${join(REPO, 'bench/results/cpu-prof.tmp')}`] : [])];
        log(`starting the canteen service (${transport} transport, pool ${opts.pool}) on port ${opts.port}`);
        const service = await startService(entry, env, opts.port, logFile, nodeArgs);
        const rssSampler = setInterval(() => {
          const stat = serviceTreeStat(service.pid);
          if (stat) serviceStats.peakRssMiB = Math.max(Number(serviceStats.peakRssMiB ?? 0), round(stat.rssMiB, 1));
        }, 500);
        try {
          if (!data) {
            const codeStart = Date.now();
            const codes = await issueMealCodes(service.baseUrl, adminToken, prepared.canteens);
            log(`issued ${codes.size} meal codes through POST /canteens/:id/meal-codes in ${((Date.now() - codeStart) / 1000).toFixed(1)} s`);
            data = { canteens: prepared.canteens, diners: dinersForRuns, tokens, codes };
          }
          if (scanTarget === 'scan' && run === 1) {
            const d = smokeDiners[0]!;
            const c = data.canteens[0]!;
            const res = await fetch(`${service.baseUrl}/scans`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${keys.signToken({ sub: d.id, kind: 'staff', roles: ['diner'], name: d.name, unit_id: d.unitId })}`,
                'idempotency-key': `smoke-${transport}-${Date.now()}`,
              },
              body: JSON.stringify({ code: data.codes.get(c.id), latitude: c.latitude, longitude: c.longitude, accuracyMeters: 8, purpose: 'official' }),
            });
            const text = await res.text();
            log(`smoke POST /scans → HTTP ${res.status} (${text.length} bytes): ${text.slice(0, 300)}`);
            serviceStats[`smokeResponseBytes_${transport}`] = text.length;
            if (!res.ok) {
              log('POST /scans is not working: measuring GET /health/live instead (harness check only)');
              scanTarget = 'health';
              opts.target = 'health';
            }
          }
          if (scanTarget === 'scan') await warmCanteens(service, data, smokeDiners.slice(1), keys, transport);
          if (scanTarget === 'scan' && run === 1) serviceStats[`sequentialLatency_${transport}`] = await sequentialProbe(service, data, smokeDiners.slice(600), keys, transport);
          const fromSeconds = (Date.now() - service.startedAt) / 1000 + opts.warmup;
          const groupsBefore = await scanGroupStats(service.baseUrl);
          const phase = await runPhase('throughput', run, service, data, transport);
          const groupsAfter = await scanGroupStats(service.baseUrl);
          phase.meanGroupSize = {
            insert: meanOf(groupsBefore.insert, groupsAfter.insert),
            dinerRead: meanOf(groupsBefore.diner_read, groupsAfter.diner_read),
          };
          log(`group commit in throughput run ${run}: mean scans per insert statement ${phase.meanGroupSize.insert}, per diner read ${phase.meanGroupSize.dinerRead}`);
          phases.push(phase);
          if (run === 1) serviceStats[`profileWindow_${transport}`] = { fromSeconds: round(fromSeconds + 0.5, 1), toSeconds: round(fromSeconds + opts.duration, 1) };
          if (scanTarget === 'scan' && !scriptWritten && opts.pgbenchRuns > 0) {
            // a real meal.scanned envelope from this run, its event id made variable per transaction (still a uuid)
            const sample = await firstEnvelope(opts.databaseUrl);
            const eventId = sample ? /"eventId":\s*"([0-9a-f-]{36})"/.exec(sample)?.[1] : undefined;
            const template = sample ? (eventId ? sample.split(eventId).join('00000000-0000-4000-9000-@K@') : sample) : '{"type":"meal.scanned"}';
            if (!sample) log('WARNING: no outbox envelope found to model the pgbench row on; using a tiny one');
            pgbenchGroupSize = Math.max(1, Math.round(phase.meanGroupSize.insert ?? 1));
            writeScanScript(REPO, scriptPath, { diners: dinersForRuns.length, canteens: data.canteens.length, envelopeTemplate: template, groupSize: pgbenchGroupSize });
            log(`wrote ${scriptPath} from the repository's scan statements, ${pgbenchGroupSize} scan(s) per transaction (the service's mean group size in this run)`);
            scriptWritten = true;
          }
          if (scanTarget === 'scan' && run === opts.runs) {
            phases.push(await runPhase('latency', 1, service, data, transport, opts.rate));
            if (opts.lowRate > 0) phases.push(await runPhase('latency', 2, service, data, transport, opts.lowRate));
            // the same rates evenly paced (autocannon's rate limit sends each connection's quota in a burst every second)
            phases.push(await runPhase('latency', 3, service, data, transport, opts.rate, 'paced'));
            if (opts.lowRate > 0) phases.push(await runPhase('latency', 4, service, data, transport, opts.lowRate, 'paced'));
          }
        } finally {
          clearInterval(rssSampler);
          await service.stop();
        }
        if (scanTarget === 'scan' && run <= opts.pgbenchRuns) {
          await resetMeals(opts.databaseUrl);
          const endCpu = startCpuWindow(process.pid);
          const r = await runPgbench({ url: opts.databaseUrl, script: scriptPath, clients: opts.pool, threads: 2, seconds: opts.pgbenchSeconds });
          const cpu = endCpu();
          const { output, ...rest } = r;
          const http = phases.filter((p) => p.kind === 'throughput' && p.transport === transport).at(-1)!;
          const rawScansPerSecond = r.tps * pgbenchGroupSize;
          pgbenchRuns.push({
            ...rest,
            tps: round(rawScansPerSecond, 0),
            transactionsPerSecond: round(r.tps, 0),
            scansPerTransaction: pgbenchGroupSize,
            transport,
            clients: opts.pool,
            pairedHttpRun: run,
            pairRatio: round(http.scansPerSecond / rawScansPerSecond, 3),
            postgresCpuMsPerTransaction: round((cpu.postgresCores * 1000) / r.tps, 2),
            cpuCores: { postgres: cpu.postgresCores, pgbenchAndOthers: cpu.otherCores, machineBusyPercent: cpu.machineBusyPercent },
          });
          log(
            `pgbench run ${run}: ${r.tps.toFixed(0)} tps × ${pgbenchGroupSize} scans = ${rawScansPerSecond.toFixed(0)} scans/s (${r.transactions} transactions, ${r.failed} failed, avg ${r.latencyMsAvg} ms); cores: postgres ${cpu.postgresCores}, pgbench+others ${cpu.otherCores} (machine ${cpu.machineBusyPercent}%); ` +
              `postgres CPU ms/scan ${round((cpu.postgresCores * 1000) / rawScansPerSecond, 2)}; pair ratio ${round(http.scansPerSecond / rawScansPerSecond, 3)}`,
          );
          if (run === 1) writeFileSync(join(REPO, `bench/results/pgbench-output-${transport}.tmp`), output);
        }
      }
    }
  } finally {
    if (startedKafka) {
      log('stopping the Kafka broker this bench started');
      spawnSync('bash', ['scripts/kafka/kafka.sh', 'stop'], { cwd: REPO, stdio: 'inherit' });
    }
  }

  // ── results ────────────────────────────────────────────────────────────────────────────────────────────────
  const primary = transports[0]!;
  const throughput = phases.filter((p) => p.kind === 'throughput' && p.transport === primary);
  const latency = phases.find((p) => p.kind === 'latency' && p.generator === 'autocannon' && p.transport === primary && p.overallRate === opts.rate);
  const lowLatency = phases.find((p) => p.kind === 'latency' && p.generator === 'autocannon' && p.transport === primary && p.overallRate === opts.lowRate && opts.lowRate !== opts.rate);
  const pacedLatency = (t: string) =>
    phases
      .filter((p) => p.kind === 'latency' && p.generator === 'paced' && p.transport === t)
      .map((p) => ({ rate: p.overallRate, achieved: p.scansPerSecond, p50Ms: p.load.latencyMs.p50, p99Ms: p.load.latencyMs.p99, non2xx: p.load.non2xx }));
  const scansPerSecond = round(median(throughput.map((p) => p.scansPerSecond)), 0);
  const primaryPgbench = pgbenchRuns.filter((r) => r.transport === primary);
  const rawSqlTps = primaryPgbench.length ? round(median(primaryPgbench.map((r) => r.tps)), 0) : null;
  const pairRatio = primaryPgbench.length ? round(median(primaryPgbench.map((r) => r.pairRatio)), 3) : null;
  const cpuPerScan = (list: PhaseResult[]) => ({
    serviceMs: round(median(list.map((p) => p.cpuMsPerScan.service)), 2),
    postgresMs: round(median(list.map((p) => p.cpuMsPerScan.postgres)), 2),
    loadGeneratorMs: round(median(list.map((p) => p.cpuMsPerScan.loadGenerator)), 2),
  });
  const pgVersion = (await query<{ v: string }>(withDatabase(opts.databaseUrl, 'postgres'), "SELECT current_setting('server_version') AS v").catch(() => [] as { v: string }[]))[0];
  const out = {
    scansPerSecond,
    p99Ms: latency?.load.latencyMs.p99 ?? null,
    p50MsAt1000: latency?.load.latencyMs.p50 ?? null,
    achievedRateAtLatencyRun: latency?.scansPerSecond ?? null,
    latencyPaced: pacedLatency(primary),
    latencyAtLowRate: lowLatency ? { rate: opts.lowRate, achieved: lowLatency.scansPerSecond, p50Ms: lowLatency.load.latencyMs.p50, p99Ms: lowLatency.load.latencyMs.p99, non2xx: lowLatency.load.non2xx } : null,
    ratioToRawSql: pairRatio,
    ratioOfMedians: rawSqlTps ? round(scansPerSecond / rawSqlTps, 3) : null,
    rawSqlTps,
    rawSqlScansPerTransaction: pgbenchGroupSize,
    meanGroupSize: phases.filter((p) => p.kind === 'throughput').map((p) => p.meanGroupSize ?? null),
    cpuPerScan: { http: cpuPerScan(throughput), pgbenchPostgresMsPerTransaction: primaryPgbench.length ? round(median(primaryPgbench.map((r) => r.postgresCpuMsPerTransaction)), 2) : null },
    noise: { otherCoresMedianDuringThroughputRuns: round(median(throughput.map((p) => p.cpu.otherCores)), 2) },
    target: scanTarget === 'scan' ? 'POST /scans' : 'GET /health/live (POST /scans was not working: harness check only)',
    targets: { scansPerSecond: 3000, p99Ms: 50, ratioToRawSql: 0.6 },
    meetsTargets: {
      scansPerSecond: scansPerSecond >= 3000,
      p99Ms: latency ? latency.load.latencyMs.p99 <= 50 : null,
      ratioToRawSql: pairRatio === null ? null : pairRatio >= 0.6,
    },
    byTransport: Object.fromEntries(
      transports.map((t) => {
        const tp = phases.filter((p) => p.kind === 'throughput' && p.transport === t);
        const lat = phases.find((p) => p.kind === 'latency' && p.generator === 'autocannon' && p.transport === t && p.overallRate === opts.rate);
        const low = phases.find((p) => p.kind === 'latency' && p.generator === 'autocannon' && p.transport === t && p.overallRate === opts.lowRate && opts.lowRate !== opts.rate);
        const pg = pgbenchRuns.filter((r) => r.transport === t);
        const sps = round(median(tp.map((p) => p.scansPerSecond)), 0);
        const raw = pg.length ? round(median(pg.map((r) => r.tps)), 0) : null;
        const ratio = pg.length ? round(median(pg.map((r) => r.pairRatio)), 3) : null;
        return [t, { scansPerSecond: sps, runs: tp.map((p) => p.scansPerSecond), p99Ms: lat?.load.latencyMs.p99 ?? null, p50MsAt1000: lat?.load.latencyMs.p50 ?? null, rawSqlTps: raw, pgbenchRuns: pg.map((r) => round(r.tps, 0)), ratioToRawSql: ratio, cpuPerScan: cpuPerScan(tp), latencyAtLowRate: low ? { rate: opts.lowRate, p50Ms: low.load.latencyMs.p50, p99Ms: low.load.latencyMs.p99 } : null, latencyPaced: pacedLatency(t) }];
      }),
    ),
    runs: phases.map((p) => ({
      kind: p.kind,
      generator: p.generator,
      transport: p.transport,
      run: p.run,
      connections: p.connections,
      overallRate: p.overallRate ?? null,
      durationSeconds: p.durationSeconds,
      scansPerSecond: p.scansPerSecond,
      status2xx: p.load.status2xx,
      non2xx: p.load.non2xx,
      statusCounts: p.load.statusCounts,
      errors: p.load.errors,
      timeouts: p.load.timeouts,
      latencyMs: p.load.latencyMs,
      warmup: p.warmup,
      cpuCores: p.cpu,
      db: p.db,
      poolExhausted: p.poolExhausted,
      cpuMsPerScan: p.cpuMsPerScan,
    })),
    pgbench: pgbenchRuns,
    service: serviceStats,
    connections: opts.connections,
    durationSeconds: opts.duration,
    warmupSeconds: opts.warmup,
    databasePoolSize: opts.pool,
    transport: opts.transport === 'both' ? `embedded (primary) and kafka (127.0.0.1:9092)` : opts.transport === 'kafka' ? 'kafka (real broker 127.0.0.1:9092)' : "embedded (KAFKA_BROKERS=''; the outbox relay runs and publishes in-process)",
    dataset: { benchDiners: opts.diners, canteens: prepared.canteens.length, seedScale: 1, distinctDinerPerRequest: true },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version, postgres: pgVersion?.v ?? 'unknown' },
    measuredAt: new Date().toISOString(),
    command,
    notes: [
      'All on one 2-core machine: the service, PostgreSQL and autocannon (in the bench process) share the cores.',
      'Throughput counts only 2xx responses inside the measured window; every request is a different diner with a unique Idempotency-Key; meals and outbox are truncated between runs.',
      'Latency at the fixed rate: autocannon overallRate with its coordinated-omission correction (default) — the p99Ms key. autocannon limits the rate per connection per second, so each second starts with a burst; latencyPaced repeats the rates with an evenly paced open-loop generator (bench/lib/load.ts runPacedLoad, latency from the scheduled send time).',
      'pgbench runs bench/scan-transaction.sql (the SQL of the scanning repository: the diner read and the one-statement meal+outbox insert, grouped as many scans per transaction as the service\'s group commit reached in the first throughput run; rawSqlTps is in scans/s = transactions/s × scans per transaction) with the service stopped, -M prepared, -c = DATABASE_POOL_SIZE, -j 2.',
      'Each throughput run is paired with a pgbench run right after it (service stopped), so both see similar background load; ratioToRawSql is the median of the pair ratios (ratioOfMedians for comparison).',
      'The machine is shared: cpuCores.otherCores is what other processes used during each run; cpuMsPerScan is the noise-robust cost figure.',
    ],
  };
  writeFileSync(join(REPO, 'bench/results/scan.json'), `${JSON.stringify(out, null, 2)}\n`);

  const line = (label: string, value: unknown, target: string, ok: boolean | null): string =>
    `  ${label.padEnd(34)} ${String(value).padStart(10)}   target ${target.padEnd(10)} ${ok === null ? '' : ok ? 'MET' : 'NOT MET'}`;
  process.stdout.write(
    [
      '',
      `Scan benchmark (${out.target}, ${out.transport}), ${cpus().length} cores, node ${process.version}, PostgreSQL ${out.machine.postgres}`,
      line('scans/s (median of runs)', scansPerSecond, '≥ 3000', out.meetsTargets.scansPerSecond),
      `    runs: ${throughput.map((p) => p.scansPerSecond).join(', ')}  (connections ${opts.connections}, ${opts.duration} s each after ${opts.warmup} s warm-up)`,
      line(`p99 ms at ${opts.rate}/s`, out.p99Ms, '≤ 50', out.meetsTargets.p99Ms),
      `    p50 ${out.p50MsAt1000} ms, achieved ${out.achievedRateAtLatencyRun}/s${(out.achievedRateAtLatencyRun ?? 0) < opts.rate * 0.95 ? ' — the service could not sustain the offered rate: this is latency under overload' : ''}`,
      ...out.latencyPaced.map((l) => `    evenly paced ${l.rate}/s: p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (achieved ${l.achieved}/s)`),
      ...(out.latencyAtLowRate ? [`    at ${opts.lowRate}/s: p50 ${out.latencyAtLowRate.p50Ms} ms, p99 ${out.latencyAtLowRate.p99Ms} ms (achieved ${out.latencyAtLowRate.achieved}/s)`] : []),
      line(`raw SQL scans/s (pgbench, ${pgbenchGroupSize} per txn)`, rawSqlTps, '', null),
      line('ratio to raw SQL (median of pairs)', out.ratioToRawSql, '≥ 0.6', out.meetsTargets.ratioToRawSql),
      `    pgbench runs: ${primaryPgbench.map((r) => r.tps.toFixed(0)).join(', ')}; pair ratios ${primaryPgbench.map((r) => r.pairRatio).join(', ')}`,
      `  CPU per scan (median): service ${out.cpuPerScan.http.serviceMs} ms, postgres ${out.cpuPerScan.http.postgresMs} ms, autocannon ${out.cpuPerScan.http.loadGeneratorMs} ms; pgbench postgres ${out.cpuPerScan.pgbenchPostgresMsPerTransaction} ms/txn`,
      `  noise: other processes used a median ${out.noise.otherCoresMedianDuringThroughputRuns} cores during the throughput runs`,
      ...transports.slice(1).map((t) => `  ${t}: ${JSON.stringify(out.byTransport[t])}`),
      `  written to bench/results/scan.json`,
      '',
    ].join('\n'),
  );

  if (!opts.keep) {
    await dropDatabase(opts.databaseUrl);
    log(`dropped ${opts.databaseUrl} (use --keep to keep it)`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
