/**
 * Lunch-rush simulator (issue 7): builds the demo city (or a province, by --scale) in a fresh database, starts the
 * canteen and risk services against a real Kafka broker, and plays simulated days through the real interfaces:
 *
 *   - diners scan their canteens' meal codes through POST /scans (the canteen service's scan clock is moved to each
 *     simulated slot with PUT /simulation/clock, so meal dates and slots are the simulated ones); most eat at their
 *     own unit's canteen, some on official business elsewhere (unit-paid) — the plan of libs/simulation
 *     (RiskMonthGenerator), with injected violations of every warning model at --injection-rate;
 *   - terminals verify a share of the passes through POST /terminal/verifications;
 *   - travel allowance claims and reception records arrive on their Kafka topics, as the finance systems send them;
 *   - a second scan in a slot the diner already ate in is refused by the canteen service (one meal per slot); the
 *     injections that need one (two meals in a slot, two far-apart canteens within minutes) arrive instead as meal
 *     events on the meal topic, as from a canteen system outside this platform, keeping the injected time gap.
 *
 * At the end it waits for the risk service to catch up, compares the warnings with the ground truth and prints per
 * model: injected, found, false warnings, precision, recall. Writes bench/results/simulation.json and the ground
 * truth (with the meal ids the canteen service gave) to bench/results/simulation-ground-truth.json.
 *
 *   npm run simulate -- [--scale 1] [--days 14] [--diners-per-day 1500] [--injection-rate 0.002] [--seed 7]
 *                       [--start-date 2026-03-02] [--verify-share 0.5] [--concurrency 24] [--no-build]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventEnvelope, EventTypes, MealScannedV1, Topics } from '@meal/contracts';
import { buildDataSourceOptions, dropDatabase, ensureDatabase, runMigrations, withDatabase } from '@meal/database';
import { generateDemoCity, seedDemoCity } from '@meal/organisation';
import { insertSimulationOrganisation, RiskMonthGenerator, scoreRiskMonth } from '@meal/simulation';
import { benchServiceEntries, buildBenchServices, issueMealCodes, makeKeys } from './lib/fixture';
import { query } from './lib/prepare';
import { BenchKafka } from './lib/kafka-login';
import { ServiceHandle, startService } from './lib/service';

const REPO = resolve(__dirname, '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const opts = {
  scale: Number(option('scale', '1')),
  days: Number(option('days', '14')), // the surge injections need about ten days of history before them
  dinersPerDay: Number(option('diners-per-day', '1500')),
  injectionRate: Number(option('injection-rate', '0.002')),
  seed: Number(option('seed', '7')),
  startDate: option('start-date', '2026-03-02'),
  verifyShare: Number(option('verify-share', '0.5')),
  concurrency: Number(option('concurrency', '24')),
  build: !argv.includes('--no-build'),
  canteenPort: Number(option('canteen-port', '3941')),
  riskPort: Number(option('risk-port', '3942')),
  databaseUrl: withDatabase(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/official_meal', option('database', 'meal_simulation')),
};

const t0 = Date.now();
const log = (message: string): void => void process.stdout.write(`[simulate ${((Date.now() - t0) / 1000).toFixed(1).padStart(7)} s] ${message}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs tasks with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

interface Counters {
  scansOffered: number;
  scansCreated: number;
  refused: Record<string, number>;
  verified: number;
  verifyRefused: Record<string, number>;
  directMealEvents: number;
  claims: number;
  receptions: number;
}

async function main(): Promise<void> {
  log(`options ${JSON.stringify(opts)}`);
  const entries = benchServiceEntries(REPO, 'dist-simulate');
  if (opts.build || !existsSync(entries.canteen) || !existsSync(entries.risk)) {
    log('building both services into bench/dist');
    buildBenchServices(REPO, 'dist-simulate');
  }

  // ── the city ───────────────────────────────────────────────────────────────────────────────────────────────
  const citySeed = 20220701;
  const city = generateDemoCity(citySeed, opts.scale);
  const generator = new RiskMonthGenerator(city, { seed: opts.seed, startDate: opts.startDate, days: opts.days, dinersPerDay: opts.dinersPerDay, injectionRate: opts.injectionRate });
  await dropDatabase(opts.databaseUrl);
  await ensureDatabase(opts.databaseUrl);
  await runMigrations(opts.databaseUrl);
  const dataSource = new DataSource(buildDataSourceOptions(opts.databaseUrl, [], 4));
  await dataSource.initialize();
  try {
    const summary = await seedDemoCity(dataSource, { seed: citySeed, scale: opts.scale });
    await insertSimulationOrganisation(dataSource, generator.externalUnits);
    log(`city: scale ${opts.scale}, ${summary.counts.staff} staff, ${summary.counts.canteens} canteens, ${summary.counts.terminals} terminals; ${generator.groundTruth().injections.length} injected cases planned`);
  } finally {
    await dataSource.destroy();
  }

  // ── the broker and the services ────────────────────────────────────────────────────────────────────────────
  let startedKafka = false;
  if (spawnSync('bash', ['scripts/kafka/kafka.sh', 'status'], { cwd: REPO, stdio: 'ignore' }).status !== 0) {
    execFileSync('bash', ['scripts/kafka/kafka.sh', 'start'], { cwd: REPO, stdio: 'inherit' });
    startedKafka = true;
  }
  const brokers = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
  const prefix = `sim-${Date.now().toString(36)}.`;
  // SASL/SCRAM and ACLs: the topics are provisioned, each service logs in as its own principal, the simulator (standing
  // in for the finance system and the canteens' direct feeds) as the administrator
  const benchKafka = new BenchKafka(brokers, REPO);
  await benchKafka.provision(prefix);
  const keys = makeKeys();
  const env = {
    ...keys.env,
    NODE_ENV: 'development',
    AUTH_DEV_LOGIN_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    DATABASE_URL: opts.databaseUrl,
    SCAN_GEOFENCE_POLICY: 'flag',
    SIMULATION_CLOCK_ENABLED: 'true',
  };
  const logDir = join(REPO, '.run/simulation-logs');
  mkdirSync(logDir, { recursive: true });
  const services: ServiceHandle[] = [];
  const kafka = new Kafka(benchKafka.clientConfig('simulator'));
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const counters: Counters = { scansOffered: 0, scansCreated: 0, refused: {}, verified: 0, verifyRefused: {}, directMealEvents: 0, claims: 0, receptions: 0 };
  try {
    const canteenService = await startService(entries.canteen, { ...env, ...benchKafka.serviceEnv(prefix, 'canteen-service'), CANTEEN_PORT: String(opts.canteenPort) }, opts.canteenPort, join(logDir, 'canteen.log'));
    services.push(canteenService);
    services.push(await startService(entries.risk, { ...env, ...benchKafka.serviceEnv(prefix, 'risk-service'), RISK_PORT: String(opts.riskPort) }, opts.riskPort, join(logDir, 'risk.log')));
    await producer.connect();
    const base = canteenService.baseUrl;
    const admin = city.staff.find((s) => s.active)!;
    const adminToken = keys.signToken({ sub: admin.id, kind: 'staff', roles: ['diner', 'admin'], name: 'simulator', unit_id: admin.unitId });
    const canteens = city.canteens;
    const codes = await issueMealCodes(base, adminToken, canteens.map((c) => ({ id: c.id, ownerUnitId: c.ownerUnitId, latitude: c.latitude, longitude: c.longitude, geofenceRadiusM: c.geofenceRadiusM })));
    log(`issued ${codes.size} meal codes; topics ${prefix}*`);
    const staffById = new Map(city.staff.map((s) => [s.id, s]));
    const terminalOf = new Map<string, { id: string; name: string }>();
    for (const t of city.terminals) if (!terminalOf.has(t.canteenId)) terminalOf.set(t.canteenId, t);
    const tokens = new Map<string, string>();
    const dinerToken = (id: string): string => {
      let token = tokens.get(id);
      if (!token) {
        const s = staffById.get(id)!;
        token = keys.signToken({ sub: s.id, kind: 'staff', roles: ['diner'], name: s.name, unit_id: s.unitId });
        tokens.set(id, token);
      }
      return token;
    };
    const terminalToken = (canteenId: string): string | undefined => {
      const t = terminalOf.get(canteenId);
      return t ? keys.signToken({ sub: t.id, kind: 'terminal', roles: ['terminal'], name: t.name, canteen_id: canteenId }) : undefined;
    };

    /** generator meal id → the id the canteen service gave the meal; and when it stamped it. */
    const mealIds = new Map<string, string>();
    const stamped = new Map<string, { at: number; generatorAt: number }>();
    const publish = async (topic: string, envelope: EventEnvelope): Promise<void> => {
      await producer.send({ topic: `${prefix}${topic}`, acks: -1, messages: [{ key: envelope.aggregateId, value: JSON.stringify(envelope) }] });
    };
    const setClock = async (at: string): Promise<void> => {
      const res = await fetch(`${base}/simulation/clock`, { method: 'PUT', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ now: at }) });
      if (!res.ok) throw new Error(`PUT /simulation/clock → ${res.status} ${await res.text()}`);
    };

    for (const date of generator.dates) {
      const dayStart = Date.now();
      const events = generator.eventsOfDay(date);
      const meals = events.filter((e) => e.type === EventTypes.MealScanned) as EventEnvelope<typeof EventTypes.MealScanned, 1, MealScannedV1>[];
      // finance events of the morning go first, the rest after the day's meals (the models look at both orders)
      const finance = events.filter((e) => e.type !== EventTypes.MealScanned);
      for (const slot of ['breakfast', 'lunch', 'dinner'] as const) {
        const ofSlot = meals.filter((m) => m.payload.slot === slot);
        if (ofSlot.length === 0) continue;
        await setClock(ofSlot[0]!.payload.scannedAt);
        const eaten = new Set<string>();
        const first: typeof ofSlot = [];
        const second: typeof ofSlot = [];
        for (const m of ofSlot) (eaten.has(m.payload.dinerId) ? second : first).push(m), eaten.add(m.payload.dinerId);
        await pool(first, opts.concurrency, async (m) => {
          counters.scansOffered += 1;
          const p = m.payload;
          const res = await fetch(`${base}/scans`, {
            method: 'POST',
            headers: { authorization: `Bearer ${dinerToken(p.dinerId)}`, 'content-type': 'application/json', 'idempotency-key': `sim-${m.eventId}` },
            body: JSON.stringify({ code: codes.get(p.canteenId), latitude: p.scanLatitude, longitude: p.scanLongitude, purpose: p.payer === 'unit' ? 'official' : 'personal' }),
          });
          const body = (await res.json()) as { code?: string; meal?: { id: string; scannedAt: string }; pass?: { token: string } };
          if (res.status !== 201 || !body.meal) {
            counters.refused[body.code ?? String(res.status)] = (counters.refused[body.code ?? String(res.status)] ?? 0) + 1;
            return;
          }
          counters.scansCreated += 1;
          mealIds.set(p.mealId, body.meal.id);
          stamped.set(`${p.dinerId}:${date}:${slot}`, { at: Date.parse(body.meal.scannedAt), generatorAt: Date.parse(p.scannedAt) });
          const terminal = terminalToken(p.canteenId);
          if (terminal && body.pass && (parseInt(body.meal.id.slice(0, 4), 16) / 0xffff) < opts.verifyShare) {
            const v = await fetch(`${base}/terminal/verifications`, { method: 'POST', headers: { authorization: `Bearer ${terminal}`, 'content-type': 'application/json' }, body: JSON.stringify({ pass: body.pass.token }) });
            if (v.ok) counters.verified += 1;
            else {
              const vb = (await v.json().catch(() => ({}))) as { code?: string };
              counters.verifyRefused[vb.code ?? String(v.status)] = (counters.verifyRefused[vb.code ?? String(v.status)] ?? 0) + 1;
            }
          }
        });
        // the second meal of a slot: the platform refuses it (one meal per slot), so it comes from outside, on the topic
        for (const m of second) {
          const earlier = stamped.get(`${m.payload.dinerId}:${date}:${slot}`);
          const scannedAt = earlier ? new Date(earlier.at + (Date.parse(m.payload.scannedAt) - earlier.generatorAt)).toISOString() : m.payload.scannedAt;
          await publish(Topics.MealEvents, { ...m, occurredAt: scannedAt, payload: { ...m.payload, scannedAt } });
          counters.directMealEvents += 1;
        }
      }
      for (const e of finance) {
        await publish(e.type === EventTypes.ReceptionRecord ? Topics.ReceptionRecords : Topics.AllowanceClaims, e);
        if (e.type === EventTypes.ReceptionRecord) counters.receptions += 1;
        else counters.claims += 1;
      }
      const seconds = (Date.now() - dayStart) / 1000;
      log(`${date}: ${meals.length} meals planned, ${counters.scansCreated} scans created so far (${(meals.length / seconds).toFixed(0)}/s this day), ${counters.verified} verified, ${counters.directMealEvents} direct meal events, ${counters.claims} claims, ${counters.receptions} receptions; refused ${JSON.stringify(counters.refused)}`);
    }

    // ── catch up and score ───────────────────────────────────────────────────────────────────────────────────
    const expectedFacts = counters.scansCreated + counters.directMealEvents;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const [row] = await query<{ facts: string; unpublished: string }>(opts.databaseUrl, `SELECT (SELECT count(*) FROM risk_meal_facts) AS facts, (SELECT count(*) FROM outbox_events WHERE published_at IS NULL) AS unpublished`);
      if (Number(row!.facts) >= expectedFacts && Number(row!.unpublished) === 0) break;
      if (Date.now() > deadline) throw new Error(`the risk service did not catch up: ${row!.facts} of ${expectedFacts} meal facts`);
      await sleep(1000);
    }
    await sleep(5000); // finance events and the warnings of the last facts
    const raised = await query<{ model_key: string; dedupe_key: string }>(opts.databaseUrl, `SELECT model_key, dedupe_key FROM risk_warnings`);
    const truth = generator.groundTruth();
    const remap = (key: string): string => {
      const parts = key.split(':').map((part) => mealIds.get(part) ?? part);
      if (parts[0] === 'proxy-scan' && parts[1] === 'speed') return [...parts.slice(0, 2), ...parts.slice(2).sort()].join(':');
      return parts.join(':');
    };
    const mapped = { ...truth, injections: truth.injections.map((i) => ({ ...i, expected: i.expected.map((e) => ({ ...e, dedupeKey: remap(e.dedupeKey) })) })) };
    const score = scoreRiskMonth(mapped, raised.map((w) => ({ modelKey: w.model_key, dedupeKey: w.dedupe_key })));
    process.stdout.write('\nmodel                      injected  found  false  precision  recall\n');
    for (const s of score.models) {
      process.stdout.write(`${s.model.padEnd(26)} ${String(s.injected).padStart(8)} ${String(s.found).padStart(6)} ${String(s.falseWarnings).padStart(6)} ${s.precision.toFixed(3).padStart(10)} ${s.recall.toFixed(3).padStart(7)}\n`);
    }
    const t = score.total;
    process.stdout.write(`${'all'.padEnd(26)} ${String(t.injected).padStart(8)} ${String(t.found).padStart(6)} ${String(t.falseWarnings).padStart(6)} ${t.precision.toFixed(3).padStart(10)} ${t.recall.toFixed(3).padStart(7)}\n\n`);
    mkdirSync(join(REPO, 'bench/results'), { recursive: true });
    writeFileSync(join(REPO, 'bench/results/simulation-ground-truth.json'), `${JSON.stringify(mapped, null, 2)}\n`);
    writeFileSync(
      join(REPO, 'bench/results/simulation.json'),
      `${JSON.stringify({ generatedAt: new Date().toISOString(), command: `npm run simulate -- ${argv.join(' ')}`.trim(), options: opts, counters, score: { total: score.total, models: score.models.map(({ missed, unexpected, ...rest }) => ({ ...rest, missed: missed.slice(0, 20), unexpected: unexpected.slice(0, 20) })) }, seconds: Math.round((Date.now() - t0) / 1000) }, null, 2)}\n`,
    );
    log('written to bench/results/simulation.json and simulation-ground-truth.json');
    if (t.recall < 1 || t.precision < 0.99) process.exitCode = 1;
  } finally {
    await producer.disconnect().catch(() => undefined);
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    if (startedKafka) spawnSync('bash', ['scripts/kafka/kafka.sh', 'stop'], { cwd: REPO, stdio: 'inherit' });
    rmSync(keys.dir, { recursive: true, force: true });
    if (!argv.includes('--keep')) await dropDatabase(opts.databaseUrl).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
