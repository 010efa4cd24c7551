/**
 * Risk service benchmark (npm run bench:risk), through the real Kafka broker:
 * 1. Builds the risk service into bench/dist/risk, creates a fresh database `meal_bench_risk`, seeds the demo city
 *    (scale 1) and adds staff in bulk up to `--diners` (default 1,000,000) people in the organisation data.
 * 2. Starts the risk service as its own process (topic prefix of this run) and samples its RSS all along.
 * 3. History: publishes a generated month (libs/simulation RiskMonthGenerator, injected cases included) as fast as
 *    the producer goes and lets the live consumer work through it.
 * 4. Latency: offers `--rate` meal scans/s (default 1,000) for `--seconds` (default 30), distinct diners of the
 *    1 M, 5 % of them outside the canteen's geofence (each raises one alert); measures from the send of the meal event
 *    to the receipt of its `risk.alert-raised` on risk.alerts (through the outbox relay): p50/p99/max.
 * 5. Replay: POST /replays (a shadow consumer group, all six models, in memory) over everything the topics hold, and
 *    in the same run a bare kafkajs consumer reading the same topics (the baseline); replay events/s and the ratio.
 * Diagnostics in the results: the latency split at the warning's raisedAt (the start of the storing transaction), the
 * live consumer's batches during the latency phase (mean events and ms per batch, mean ms per phase from the service's
 * risk_batch_phase_seconds) and the peak RSS of each phase.
 * Writes bench/results/risk.json. Options: --quick (a small run), --diners N, --rate N, --seconds N, --month-diners N, --no-build, --keep,
 * --profile (a CPU profile of the service in .run/profiles), --heap-mb N and --semi-space-mb N (the service's V8 limits, default
 * 384 and 16 as deployed; 0: V8's default).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ensureKeyPairFiles, keyId, parsePrivateKey, readKeyFile, Role, TokenIssuer } from '@meal/auth';
import { AppConfig, validateEnvironment } from '@meal/config';
import { createEvent, EVENT_TOPICS, EventEnvelope, EventType, EventTypes, Topics } from '@meal/contracts';
import { buildDataSourceOptions, dropDatabase, ensureDatabase, runMigrations, withDatabase } from '@meal/database';
import { generateDemoCity, seedDemoCity } from '@meal/organisation';
import { RiskMonthGenerator } from '@meal/simulation';
import { BenchKafka } from './lib/kafka-login';
import { processStat, round, startService } from './lib/service';

const REPO = join(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}
/** --quick: a small run that checks the harness (figures not comparable to the targets). */
const quick = flag('quick');
const opts = {
  diners: Number(option('diners', quick ? '100000' : '1000000')),
  rate: Number(option('rate', '1000')),
  seconds: Number(option('seconds', quick ? '10' : '30')),
  monthDiners: Number(option('month-diners', quick ? '800' : '4000')),
  port: Number(option('port', '3411')),
  build: !flag('no-build'),
  keep: flag('keep'),
  /** Writes a V8 CPU profile of the risk service to .run/profiles (node --cpu-prof). */
  profile: flag('profile'),
  /** --max-old-space-size of the risk service, as deployed (docker/risk.Dockerfile); 0: none (V8 sizes it from the machine). */
  heapMb: Number(option('heap-mb', '384')),
  /** --max-semi-space-size of the risk service, as deployed; 0: V8's default for the heap limit. */
  semiSpaceMb: Number(option('semi-space-mb', '16')),
  databaseUrl: option('database-url', withDatabase(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/official_meal', 'meal_bench_risk')),
};
const SEED = 20220701;
const BROKER = '127.0.0.1:9092';
const GEOFENCE_SHARE = 0.05;

const log = (message: string): void => console.log(`[bench:risk ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

interface CanteenRow {
  id: string;
  owner_unit_id: string;
  region_code: string;
  latitude: number;
  longitude: number;
  geofence_radius_m: number;
}

async function query<T>(client: Client, text: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query(text, params)).rows as T[];
}

/** Fresh database, migrated, demo city seeded, bulk staff up to `diners`. */
async function prepare(): Promise<{ canteens: CanteenRow[]; units: { id: string; region_code: string }[]; staffTotal: number; benchStaff: number }> {
  await dropDatabase(opts.databaseUrl);
  await ensureDatabase(opts.databaseUrl);
  await runMigrations(opts.databaseUrl);
  const ds = new DataSource(buildDataSourceOptions(opts.databaseUrl, [], 4));
  await ds.initialize();
  try {
    const summary = await seedDemoCity(ds, { seed: SEED, scale: 1 });
    log(`seeded the demo city: ${summary.counts.staff} staff, ${summary.counts.canteens} canteens, ${summary.counts.units} units`);
  } finally {
    await ds.destroy();
  }
  const client = new Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    const [{ n }] = await query<{ n: number }>(client, `SELECT count(*)::int AS n FROM staff`);
    const extra = Math.max(0, opts.diners - n);
    const started = Date.now();
    await client.query(
      `INSERT INTO staff (id, unit_id, staff_number, external_identity_id, name, active)
       SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, u.ids[1 + g % array_length(u.ids, 1)],
              'RB' || g, 'risk-bench-' || g, '压测' || g, true
       FROM generate_series(1, $1::int) AS g, (SELECT array_agg(id ORDER BY id) AS ids FROM units) AS u`,
      [extra],
    );
    await client.query('VACUUM ANALYZE');
    const [{ total }] = await query<{ total: number }>(client, `SELECT count(*)::int AS total FROM staff`);
    log(`added ${extra} staff in bulk in ${((Date.now() - started) / 1000).toFixed(1)} s: ${total} diners in the organisation data`);
    const canteens = await query<CanteenRow>(client, `SELECT id, owner_unit_id, region_code, latitude, longitude, geofence_radius_m FROM canteens ORDER BY id`);
    const units = await query<{ id: string; region_code: string }>(client, `SELECT id, region_code FROM units ORDER BY id`);
    return { canteens, units, staffTotal: total, benchStaff: extra };
  } finally {
    await client.end();
  }
}

function messageOf(envelope: EventEnvelope): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: envelope.aggregateId,
    value: JSON.stringify(envelope),
    headers: { 'event-type': envelope.type, 'event-version': String(envelope.version), 'event-id': envelope.eventId, 'content-type': 'application/json' },
  };
}

async function publishMonth(producer: Producer, prefix: string): Promise<number> {
  const month = new RiskMonthGenerator(generateDemoCity(SEED, 1), { seed: 5, startDate: '2025-02-03', days: 28, dinersPerDay: opts.monthDiners, injectionRate: 0.001 });
  let published = 0;
  for (const date of month.dates) {
    const byTopic = new Map<string, EventEnvelope[]>();
    for (const e of month.eventsOfDay(date)) {
      const topic = EVENT_TOPICS[e.type as EventType];
      const list = byTopic.get(topic);
      if (list) list.push(e);
      else byTopic.set(topic, [e]);
    }
    for (const [topic, list] of byTopic) {
      for (let i = 0; i < list.length; i += 2000) {
        await producer.send({ topic: `${prefix}${topic}`, acks: -1, messages: list.slice(i, i + 2000).map(messageOf) });
      }
      published += list.length;
    }
  }
  return published;
}

async function processedCount(): Promise<number> {
  const client = new Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    const [{ n }] = await query<{ n: number }>(client, `SELECT count(*)::int AS n FROM processed_events WHERE consumer_group = 'risk.models'`);
    return n;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const command = `npm run bench:risk${argv.length ? ' -- ' + argv.join(' ') : ''}`;
  log(`options ${JSON.stringify(opts)}`);
  const entry = join(REPO, 'bench/dist/risk/apps/risk/src/main.js');
  if (opts.build) {
    log('building the risk service into bench/dist/risk (nest build risk --path bench/tsconfig.risk-build.json)');
    execFileSync('npx', ['nest', 'build', 'risk', '--path', 'bench/tsconfig.risk-build.json'], { cwd: REPO, stdio: 'inherit' });
    // static pages the service serves (nest-cli.json copies them to the default dist only)
    for (const dir of ['apps/risk/src/console/public']) {
      if (existsSync(join(REPO, dir))) cpSync(join(REPO, dir), join(REPO, 'bench/dist/risk', dir), { recursive: true });
    }
  }
  let startedKafka = false;
  if (spawnSync('bash', ['scripts/kafka/kafka.sh', 'status'], { cwd: REPO }).status !== 0) {
    log('starting the Kafka broker (scripts/kafka/kafka.sh start)');
    execFileSync('bash', ['scripts/kafka/kafka.sh', 'start'], { cwd: REPO, stdio: 'inherit' });
    startedKafka = true;
  }
  const prepared = await prepare();
  const prefix = `bench-risk-${Date.now().toString(36)}.`;
  const keyDir = mkdtempSync(join(tmpdir(), 'risk-bench-keys-'));
  const benchKafka = new BenchKafka(BROKER, REPO);
  await benchKafka.provision(prefix);
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: opts.databaseUrl,
    // the risk service logs in as its own principal, under the ACLs of its provisioned topics
    ...benchKafka.serviceEnv(prefix, 'risk-service'),
    RISK_PORT: String(opts.port),
    LOG_LEVEL: 'warn',
    AUTH_PRIVATE_KEY_FILE: join(keyDir, 'identity-private.pem'),
    AUTH_PUBLIC_KEY_FILE: join(keyDir, 'identity-public.pem'),
    AUTH_DEV_LOGIN_ENABLED: 'false',
  };
  await ensureKeyPairFiles(env.AUTH_PRIVATE_KEY_FILE!, env.AUTH_PUBLIC_KEY_FILE!);
  const logFile = join(REPO, '.run/logs/bench-risk-service.log');
  execFileSync('mkdir', ['-p', join(REPO, '.run/logs')]);
  // the V8 heap limit the service is deployed with (docker/risk.Dockerfile, scripts/start-demo.sh)
  const nodeArgs = [...(opts.heapMb > 0 ? [`--max-old-space-size=${opts.heapMb}`] : []), ...(opts.semiSpaceMb > 0 ? [`--max-semi-space-size=${opts.semiSpaceMb}`] : []), ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(REPO, '.run/profiles')}`] : [])];
  const service = await startService(entry, env, opts.port, logFile, nodeArgs);
  log(`risk service pid ${service.pid}, topic prefix ${prefix}, log ${logFile}`);
  let peakRssMb = 0;
  /** Peak RSS per phase of the run (startup, history, latency, replay), to see where the peak comes from. */
  let rssPhase = 'startup';
  const peakRssByPhase: Record<string, number> = {};
  const rssTimer = setInterval(() => {
    const s = processStat(service.pid);
    if (s) {
      peakRssMb = Math.max(peakRssMb, s.rssMiB);
      peakRssByPhase[rssPhase] = Math.round(Math.max(peakRssByPhase[rssPhase] ?? 0, s.rssMiB));
    }
  }, 200);
  /** The V8 heap (used and total) and external memory per phase at the service's largest heap total, from /metrics every second. */
  const heapByPhase: Record<string, { heapUsedMb: number; heapTotalMb: number; externalMb: number; rssMb: number }> = {};
  const heapTimer = setInterval(() => {
    void fetch(`${service.baseUrl}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        const gauge = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
        const sample = { heapUsedMb: round(gauge('nodejs_heap_size_used_bytes'), 0), heapTotalMb: round(gauge('nodejs_heap_size_total_bytes'), 0), externalMb: round(gauge('nodejs_external_memory_bytes'), 0), rssMb: round(processStat(service.pid)?.rssMiB ?? 0, 0) };
        if (sample.heapTotalMb > (heapByPhase[rssPhase]?.heapTotalMb ?? -1)) heapByPhase[rssPhase] = sample;
      })
      .catch(() => undefined);
  }, 1000);

  const kafka = new Kafka(benchKafka.clientConfig('bench-risk'));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const results: Record<string, unknown> = {};
  try {
    // ── history: a generated month ────────────────────────────────────────────────────────────────────────────
    rssPhase = 'history';
    const t0 = Date.now();
    const monthEvents = await publishMonth(producer, prefix);
    log(`published a generated month: ${monthEvents} events in ${((Date.now() - t0) / 1000).toFixed(1)} s; the live consumer catches up…`);
    const catchStart = Date.now();
    for (;;) {
      const n = await processedCount();
      if (n >= monthEvents) break;
      if (Date.now() - catchStart > 20 * 60_000) throw new Error(`the live consumer did not catch up (${n}/${monthEvents})`);
      await sleep(1000);
    }
    const catchUpSeconds = (Date.now() - catchStart) / 1000;
    const liveThroughput = monthEvents / Math.max(0.001, (Date.now() - t0) / 1000);
    log(`live consumer processed the month: ${round(liveThroughput, 0)} events/s end to end (catch-up ${round(catchUpSeconds, 1)} s after the last publish)`);
    results.history = { events: monthEvents, liveEventsPerSecond: round(liveThroughput, 0), rssMbAfter: round(processStat(service.pid)?.rssMiB ?? 0, 0) };

    // ── latency at the offered rate ──────────────────────────────────────────────────────────────────────────
    rssPhase = 'latency';
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const beforeBatch: number[] = [];
    const afterBatchStart: number[] = [];
    const metricsBefore = await consumerMetrics(service.baseUrl);
    const alertConsumer = kafka.consumer({ groupId: `${prefix}bench.alerts`, maxWaitTimeInMs: 50 });
    await alertConsumer.connect();
    await alertConsumer.subscribe({ topics: [`${prefix}${Topics.Alerts}`], fromBeginning: false });
    let joined = false;
    alertConsumer.on(alertConsumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await alertConsumer.run({
      eachMessage: async ({ message }) => {
        const received = Date.now();
        const alert = JSON.parse(message.value?.toString() ?? '{}') as { payload?: { model?: string; raisedAt?: string; evidence?: { ref: string }[] } };
        if (alert.payload?.model !== 'proxy-or-fake-scan') return;
        const at = sentAt.get(alert.payload.evidence?.[0]?.ref ?? '');
        if (at === undefined) return;
        latencies.push(received - at);
        // raisedAt is the start of the transaction that stored the warning: before it the scan waited (broker, fetch,
        // earlier batches); after it, the batch's work, its commit, the outbox relay and the alert's way back
        const raised = Date.parse(alert.payload.raisedAt ?? '');
        if (Number.isFinite(raised)) {
          beforeBatch.push(raised - at);
          afterBatchStart.push(received - raised);
        }
      },
    });
    while (!joined) await sleep(100);
    const { canteens, units } = prepared;
    const unitRegion = new Map(units.map((u) => [u.id, u.region_code]));
    const unitIds = units.map((u) => u.id);
    const total = opts.rate * opts.seconds;
    const tick = 20;
    const perTick = Math.max(1, Math.round((opts.rate * tick) / 1000));
    let sent = 0;
    let expectedAlerts = 0;
    const loadStart = Date.now();
    const inflight: Promise<unknown>[] = [];
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - loadStart) / 1000) * opts.rate) + perTick);
      const messages: { key: string; value: string; headers: Record<string, string> }[] = [];
      const sendTime = Date.now();
      for (; sent < due; sent += 1) {
        const g = 1 + ((sent * 7919) % Math.max(1, prepared.benchStaff));
        const dinerId = `00000000-0000-4000-9000-${g.toString(16).padStart(12, '0')}`;
        const unitId = unitIds[g % unitIds.length]!;
        const canteen = canteens[(sent * 31) % canteens.length]!;
        const outside = sent % Math.round(1 / GEOFENCE_SHARE) === 0;
        const distance = outside ? canteen.geofence_radius_m + 300 : 20;
        const scannedAt = new Date().toISOString();
        const mealId = `10000000-0000-4000-8000-${sent.toString(16).padStart(12, '0')}`;
        const envelope = createEvent(
          EventTypes.MealScanned,
          1,
          dinerId,
          {
            mealId,
            dinerId,
            dinerUnitId: unitId,
            dinerRegionCode: unitRegion.get(unitId)!,
            canteenId: canteen.id,
            canteenOwnerUnitId: canteen.owner_unit_id,
            canteenRegionCode: canteen.region_code,
            slot: 'lunch',
            mealDate: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
            scannedAt,
            priceFen: 2000,
            payer: 'self',
            paymentKind: 'personal-wallet',
            scanLatitude: canteen.latitude + distance / 111_320,
            scanLongitude: canteen.longitude,
            distanceMeters: distance,
            withinGeofence: !outside,
            codeVersion: 1,
          },
          { occurredAt: scannedAt },
        );
        if (outside) {
          sentAt.set(mealId, sendTime);
          expectedAlerts += 1;
        }
        messages.push(messageOf(envelope));
      }
      if (messages.length > 0) inflight.push(producer.send({ topic: `${prefix}${Topics.MealEvents}`, acks: -1, messages }));
      if (inflight.length > 50) await Promise.all(inflight.splice(0, inflight.length));
      await sleep(Math.max(0, loadStart + ((sent / opts.rate) * 1000) - Date.now()));
    }
    await Promise.all(inflight);
    const offeredSeconds = (Date.now() - loadStart) / 1000;
    const drainStart = Date.now();
    while (latencies.length < expectedAlerts && Date.now() - drainStart < 120_000) await sleep(200);
    await alertConsumer.disconnect();
    const metricsAfter = await consumerMetrics(service.baseUrl);
    const batches = metricsAfter.batches - metricsBefore.batches;
    const consumed = metricsAfter.events - metricsBefore.events;
    const latency = {
      offeredPerSecond: opts.rate,
      achievedSendRate: round(total / offeredSeconds, 0),
      seconds: opts.seconds,
      scans: total,
      alertsExpected: expectedAlerts,
      alertsReceived: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
      /** p50/p99 from the send to the start of the storing transaction, and from there to the alert's receipt. */
      sendToBatchStartMs: { p50: percentile(beforeBatch, 50), p99: percentile(beforeBatch, 99) },
      batchStartToReceiptMs: { p50: percentile(afterBatchStart, 50), p99: percentile(afterBatchStart, 99) },
      /** The risk.models consumer during the phase (its /metrics): batches handled, mean events and ms per batch. */
      consumer: {
        batches,
        events: consumed,
        meanBatchEvents: round(consumed / Math.max(1, batches), 1),
        meanBatchMs: round(((metricsAfter.handleSeconds - metricsBefore.handleSeconds) * 1000) / Math.max(1, batches), 1),
        /** Mean ms per batch in each phase of the evaluation (the rest of meanBatchMs: deduplication claim and commit). */
        meanPhaseMs: Object.fromEntries(
          Object.entries(metricsAfter.phases).map(([name, seconds]) => [name, round(((seconds - (metricsBefore.phases[name] ?? 0)) * 1000) / Math.max(1, batches), 1)]),
        ),
      },
    };
    log(`latency at ${opts.rate} scans/s offered (${latency.achievedSendRate} sent/s): alerts ${latency.alertsReceived}/${expectedAlerts}, p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms`);
    log(`  send→batch start p50/p99 ${latency.sendToBatchStartMs.p50}/${latency.sendToBatchStartMs.p99} ms; batch start→receipt ${latency.batchStartToReceiptMs.p50}/${latency.batchStartToReceiptMs.p99} ms; consumer ${JSON.stringify(latency.consumer)}`);
    results.latency = latency;
    for (;;) {
      const n = await processedCount();
      if (n >= monthEvents + total) break;
      await sleep(500);
    }

    // ── replay vs a bare kafkajs consumer, same topics, same run ───────────────────────────────────────────────
    rssPhase = 'replay';
    const admin = kafka.admin();
    await admin.connect();
    const topics = [Topics.MealEvents, Topics.AllowanceClaims, Topics.ReceptionRecords].map((t) => `${prefix}${t}`);
    let topicEvents = 0;
    for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) topicEvents += Number(p.high) - Number(p.low);
    await admin.disconnect();
    const bare = async (): Promise<{ events: number; seconds: number; eventsPerSecond: number }> => {
      const consumer = kafka.consumer({ groupId: `${prefix}bench.bare.${Date.now()}`, maxWaitTimeInMs: 1000 });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      let count = 0;
      let first = 0;
      let last = 0;
      await new Promise<void>((resolve) => {
        void consumer.run({
          partitionsConsumedConcurrently: 3,
          eachBatch: async ({ batch }) => {
            if (first === 0) first = Date.now();
            count += batch.messages.length;
            last = Date.now();
            if (count >= topicEvents) resolve();
          },
        });
      });
      await consumer.disconnect();
      const seconds = (last - first) / 1000;
      return { events: count, seconds: round(seconds, 2), eventsPerSecond: round(count / Math.max(0.001, seconds), 0) };
    };
    const token = await adminToken(env);
    const replay = async (): Promise<{ events: number; eventsPerSecond: number; consumeMs: number; elapsedMs: number; models: unknown }> => {
      const started = await fetch(`${service.baseUrl}/replays`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
      if (started.status !== 202) throw new Error(`POST /replays: ${started.status} ${await started.text()}`);
      const { id } = (await started.json()) as { id: string };
      for (;;) {
        await sleep(250);
        const run = (await (await fetch(`${service.baseUrl}/replays/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          status: string;
          eventsConsumed: number;
          error: string | null;
          result: { eventsPerSecond: number; consumeMs: number; elapsedMs: number; models: { model: string; wouldRaise: number; live: number; inBoth: number; onlyInShadowCount: number; onlyInLiveCount: number }[] } | null;
        };
        if (run.status === 'running') continue;
        if (run.status !== 'completed' || !run.result) throw new Error(`replay ${run.status}: ${run.error}`);
        return {
          events: run.eventsConsumed,
          eventsPerSecond: run.result.eventsPerSecond,
          consumeMs: run.result.consumeMs,
          elapsedMs: run.result.elapsedMs,
          models: run.result.models.map(({ model, wouldRaise, live, inBoth, onlyInShadowCount, onlyInLiveCount }) => ({ model, wouldRaise, live, inBoth, onlyInShadowCount, onlyInLiveCount })),
        };
      }
    };
    const rounds: { replay: Awaited<ReturnType<typeof replay>>; bare: Awaited<ReturnType<typeof bare>> }[] = [];
    for (let r = 0; r < 3; r += 1) {
      const b = await bare();
      const s = await replay();
      log(`round ${r + 1}: replay ${s.events} events at ${s.eventsPerSecond}/s (${s.consumeMs} ms consuming, ${s.elapsedMs} ms with group join); bare kafkajs ${b.events} at ${b.eventsPerSecond}/s`);
      rounds.push({ replay: s, bare: b });
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const replayEps = median(rounds.map((r) => r.replay.eventsPerSecond));
    const bareEps = median(rounds.map((r) => r.bare.eventsPerSecond));
    results.replay = {
      topicEvents,
      rounds: rounds.map((r) => ({ replayEventsPerSecond: r.replay.eventsPerSecond, bareEventsPerSecond: r.bare.eventsPerSecond, ratio: round(r.replay.eventsPerSecond / r.bare.eventsPerSecond, 3), replayConsumeMs: r.replay.consumeMs, replayElapsedMs: r.replay.elapsedMs })),
      models: rounds[rounds.length - 1]!.replay.models,
    };
    clearInterval(rssTimer);
    clearInterval(heapTimer);
    const out = {
      p99AlertLatencyMs: latency.p99Ms,
      replayEventsPerSecond: replayEps,
      bareConsumerEventsPerSecond: bareEps,
      ratioToBareConsumer: round(replayEps / bareEps, 3),
      peakRssMb: round(peakRssMb, 0),
      peakRssMbByPhase: peakRssByPhase,
      heapAtLargestByPhase: heapByPhase,
      diners: prepared.staffTotal,
      quick,
      targets: { p99AlertLatencyMs: 1000, replayEventsPerSecond: 20000, ratioToBareConsumer: 0.5, peakRssMb: 512 },
      meetsTargets: {
        p99AlertLatencyMs: latency.p99Ms <= 1000 && latency.alertsReceived === latency.alertsExpected,
        replayEventsPerSecond: replayEps >= 20000,
        ratioToBareConsumer: replayEps / bareEps >= 0.5,
        peakRssMb: peakRssMb <= 512,
      },
      dataset: { dinersInOrganisation: prepared.staffTotal, canteens: prepared.canteens.length, seedScale: 1, monthEvents, latencyScans: total },
      ...results,
      notes: [
        'latency: from producer.send of the meal event (as the canteen outbox relay would) to receipt of its risk.alert-raised on risk.alerts (outbox relay poll 100 ms included)',
        'replay: POST /replays, all six models in memory, a fresh consumer group from the beginning; events/s from first batch to last batch evaluated; median of 3 rounds, each paired with a bare kafkajs eachBatch consumer (no parsing) on the same topics',
        `peakRssMb: the risk service process, run as deployed with --max-old-space-size=${opts.heapMb} --max-semi-space-size=${opts.semiSpaceMb} (docker/risk.Dockerfile; 0 = V8's default), sampled every 200 ms over the whole run (history, latency, replays); heapAtLargestByPhase: /metrics heap and external memory at the largest heap of each phase`,
        'machine: 2 shared cores; PostgreSQL, the broker, the service and this load generator share them',
      ],
      command,
      finishedAt: new Date().toISOString(),
    };
    writeFileSync(join(REPO, 'bench/results/risk.json'), `${JSON.stringify(out, null, 2)}\n`);
    log(`wrote bench/results/risk.json: ${JSON.stringify({ p99AlertLatencyMs: out.p99AlertLatencyMs, replayEventsPerSecond: out.replayEventsPerSecond, ratioToBareConsumer: out.ratioToBareConsumer, peakRssMb: out.peakRssMb, meetsTargets: out.meetsTargets })}`);
  } finally {
    clearInterval(rssTimer);
    clearInterval(heapTimer);
    await producer.disconnect().catch(() => undefined);
    await service.stop();
    const admin = kafka.admin();
    await admin
      .connect()
      .then(async () => {
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
        if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
      })
      .catch(() => undefined)
      .finally(() => admin.disconnect());
    if (!opts.keep) await dropDatabase(opts.databaseUrl).catch(() => undefined);
    if (startedKafka) spawnSync('bash', ['scripts/kafka/kafka.sh', 'stop'], { cwd: REPO, stdio: 'inherit' });
  }
}

/** The risk.models consumer's counters from the service's /metrics: batches handled, seconds spent in them, events consumed. */
async function consumerMetrics(baseUrl: string): Promise<{ batches: number; handleSeconds: number; events: number; phases: Record<string, number> }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const sum = (name: string): number =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes('group="risk.models"'))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  // seconds spent in each phase of the evaluation's batches (risk_batch_phase_seconds)
  const phases: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^risk_batch_phase_seconds_sum\{phase="([a-z]+)"\} (\S+)$/.exec(line);
    if (m) phases[m[1]!] = Number(m[2]);
  }
  return { batches: sum('kafka_handle_duration_seconds_count'), handleSeconds: sum('kafka_handle_duration_seconds_sum'), events: sum('kafka_events_consumed_total'), phases };
}

/** An admin token signed with the service's key (as the canteen's identity would issue it). */
async function adminToken(env: Record<string, string>): Promise<string> {
  const client = new Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    const [row] = await query<{ staff_id: string; unit_id: string }>(
      client,
      `SELECT r.staff_id, s.unit_id FROM role_assignments r JOIN staff s ON s.id = r.staff_id WHERE r.role = 'admin' LIMIT 1`,
    );
    const config = new AppConfig(validateEnvironment({ ...process.env, ...env }));
    const privateKey = parsePrivateKey(readKeyFile(config.auth.privateKeyFile, 'private'));
    const issuer = new TokenIssuer({ privateKey, keyId: keyId(createPublicKey(privateKey)), issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: 600 });
    return issuer.issue({ subject: row!.staff_id, kind: 'staff', name: 'bench admin', unitId: row!.unit_id, roles: [Role.Admin] }, { ttlSeconds: 600 }).accessToken;
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
