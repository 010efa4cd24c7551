/**
 * Crash proofs (issue 7): while diners scan at a steady rate through the real HTTP API, kill -9 in turn the canteen
 * service, the risk service, the Kafka broker, and PostgreSQL's connections (pg_terminate_backend); restart, let the
 * system recover, then check what must hold:
 *
 *   1. every scan that got a success answer is stored exactly once (and no stored meal lacks its answer's twin:
 *      phones retry with the same Idempotency-Key until they get an answer, as the diner page does);
 *   2. every stored meal produced exactly one event downstream: one `meal.scanned` event id per meal in the topic
 *      (redeliveries of that same event id are counted, they are allowed), and one meal fact in the risk service;
 *   3. no warning lost or duplicated: every meal scanned outside its canteen's geofence (a share of the diners do,
 *      SCAN_GEOFENCE_POLICY=flag) has exactly one proxy-scan warning, and no warning exists twice;
 *   4. the outbox is drained (nothing stuck unpublished);
 *   5. the ledger balances: the round's day (the scan clock runs from yesterday, SIMULATION_CLOCK_START) is closed
 *      through the settlement API; its entries sum to zero and it settles every stored unit-paid meal.
 *
 *   npm run crash-proofs -- [--scenarios canteen,risk,kafka,postgres] [--rounds 2] [--rate 1000] [--seconds 20]
 *                           [--kill-at 8] [--down 4] [--outside 0.03] [--connections 256] [--no-build]
 *
 * Loopback only: a dedicated broker on 127.0.0.1:19392 (data in .run/crash-kafka), databases meal_crash_<n>,
 * services on ports 3931/3932. Each round uses a fresh database and topic prefix. Writes bench/results/crash.json
 * and prints one line per round; exits 1 if any check failed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { Kafka } from 'kafkajs';
import { dropDatabase, withDatabase } from '@meal/database';
import { benchServiceEntries, buildBenchServices, issueMealCodes, makeKeys } from './lib/fixture';
import { BenchCanteen, BenchDiner, prepareDatabase, query } from './lib/prepare';
import { BenchKafka } from './lib/kafka-login';
import { ServiceHandle, startService } from './lib/service';

const REPO = resolve(__dirname, '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const SCENARIOS = ['canteen', 'risk', 'kafka', 'postgres'] as const;
type Scenario = (typeof SCENARIOS)[number];
const opts = {
  scenarios: option('scenarios', SCENARIOS.join(',')).split(',') as Scenario[],
  rounds: Number(option('rounds', '2')),
  rate: Number(option('rate', '1000')),
  seconds: Number(option('seconds', '20')),
  killAt: Number(option('kill-at', '8')),
  down: Number(option('down', '4')),
  outside: Number(option('outside', '0.03')),
  /** Sockets the phones share (see phoneAgent). */
  connections: Number(option('connections', '256')),
  build: !argv.includes('--no-build'),
  kafkaPort: Number(option('kafka-port', '19392')),
  canteenPort: Number(option('canteen-port', '3931')),
  riskPort: Number(option('risk-port', '3932')),
  baseUrl: process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/official_meal',
};
for (const s of opts.scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);

const t0 = Date.now();
const log = (message: string): void => void process.stdout.write(`[crash ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ── the broker ───────────────────────────────────────────────────────────────────────────────────────────────
const kafkaEnv = {
  ...process.env,
  KAFKA_PORT: String(opts.kafkaPort),
  KAFKA_CONTROLLER_PORT: String(opts.kafkaPort + 1),
  KAFKA_DATA_DIR: join(REPO, '.run/crash-kafka'),
};
const kafkaSh = (command: 'start' | 'stop' | 'status'): boolean =>
  spawnSync('bash', ['scripts/kafka/kafka.sh', command], { cwd: REPO, env: kafkaEnv, stdio: command === 'status' ? 'ignore' : 'inherit' }).status === 0;
/**
 * `kafka.sh start` without blocking this process: the phones live in it, and a spawnSync of the broker's restart
 * (about 15 s until it is ready) would stop them sending and reading answers, so their requests would time out as if
 * the canteen service had stalled.
 */
const startBrokerInBackground = (): Promise<boolean> =>
  new Promise((resolveStatus) => {
    const child = spawn('bash', ['scripts/kafka/kafka.sh', 'start'], { cwd: REPO, env: kafkaEnv, stdio: 'inherit' });
    child.on('error', () => resolveStatus(false));
    child.on('exit', (code) => resolveStatus(code === 0));
  });
function killBroker(): void {
  const pid = Number(readFileSync(join(kafkaEnv.KAFKA_DATA_DIR, 'broker.pid'), 'utf8').trim());
  process.kill(pid, 'SIGKILL');
}

// ── diners' phones: paced scans, each retried with its own Idempotency-Key until it gets an answer ───────────
interface ScanOutcome {
  dinerIndex: number;
  key: string;
  status?: number;
  mealId?: string;
  code?: string;
  attempts: number;
  outside: boolean;
  /** ms after the first scan was sent when the answer arrived */
  answeredAfterMs?: number;
}

/**
 * The phones' connections to the canteen service: at most --connections sockets at once (keep-alive), the other
 * attempts wait for one, as behind the reverse proxy of a real deployment. Without a cap, thousands of phones backing
 * off and retrying at 1,000 scans/s exhaust this one process's file descriptors (EMFILE), which no real phone shares.
 */
const phoneAgent = new Agent({ keepAlive: true, maxSockets: opts.connections });

function scanOnce(baseUrl: string, token: string, key: string, body: string): Promise<{ status: number; json: Record<string, unknown> } | undefined> {
  return new Promise((resolveAnswer) => {
    const req = request(
      `${baseUrl}/scans`,
      {
        method: 'POST',
        agent: phoneAgent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}`, 'idempotency-key': key },
        // the attempt's whole time, waiting for a connection included: the phone gives up on it and retries
        signal: AbortSignal.timeout(20_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            // not JSON: the status decides
          }
          resolveAnswer({ status: res.statusCode ?? 0, json });
        });
        res.on('error', () => resolveAnswer(undefined));
      },
    );
    req.on('error', () => resolveAnswer(undefined)); // connection refused / reset / timeout: the phone retries
    req.end(body);
  });
}

async function runDiners(
  baseUrl: string,
  diners: BenchDiner[],
  tokens: string[],
  canteens: BenchCanteen[],
  codes: Map<string, string>,
  tag: string,
  onTick: (elapsedSeconds: number) => Promise<void>,
): Promise<ScanOutcome[]> {
  const total = Math.min(diners.length, Math.round(opts.rate * opts.seconds));
  const outcomes: ScanOutcome[] = [];
  const pending: Promise<void>[] = [];
  const start = Date.now();
  let nextTick = 1;
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const elapsed = (Date.now() - start) / 1000;
    if (elapsed >= nextTick) {
      nextTick = Math.floor(elapsed) + 1;
      onTick(elapsed).catch((error: unknown) => log(`the fault injection failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    const canteen = canteens[(i * 31) % canteens.length]!;
    const outside = (i * 7919) % 1000 < opts.outside * 1000;
    // outside: ~2.2 km north of the canteen (every geofence is far smaller); inside: ~5 m away
    const offset = outside ? 0.02 : 0.00003;
    const body = JSON.stringify({ code: codes.get(canteen.id), latitude: canteen.latitude + offset, longitude: canteen.longitude + 0.00003, accuracyMeters: 8, purpose: 'official' });
    const outcome: ScanOutcome = { dinerIndex: i, key: `${tag}-${i}`, attempts: 0, outside };
    outcomes.push(outcome);
    pending.push(
      (async () => {
        const giveUpAt = Date.now() + 180_000;
        // a phone retries with backoff (0.5 s doubling to 8 s, with jitter), so a restart is not met by a stampede
        let backoffMs = 500;
        for (;;) {
          outcome.attempts += 1;
          const answer = await scanOnce(baseUrl, tokens[i]!, outcome.key, body);
          if (answer && answer.status < 500) {
            outcome.status = answer.status;
            outcome.answeredAfterMs = Date.now() - start;
            const meal = answer.json.meal as { id?: string } | undefined;
            outcome.mealId = meal?.id;
            outcome.code = typeof answer.json.code === 'string' ? answer.json.code : undefined;
            return;
          }
          if (Date.now() > giveUpAt) return;
          await sleep(backoffMs * (0.5 + Math.random()));
          backoffMs = Math.min(backoffMs * 2, 8000);
        }
      })(),
    );
  }
  await Promise.all(pending);
  return outcomes;
}

// ── checks after recovery ────────────────────────────────────────────────────────────────────────────────────
async function waitFor(what: string, limitSeconds: number, probe: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + limitSeconds * 1000;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) {
      log(`gave up waiting for ${what} after ${limitSeconds} s`);
      return false;
    }
    await sleep(500);
  }
}

async function topicEventsPerMeal(benchKafka: BenchKafka, topic: string, expected: number): Promise<{ messages: number; distinctEvents: number; mealsWithOneEvent: number; mealsWithSeveralEvents: number }> {
  const kafka = new Kafka(benchKafka.clientConfig('crash-proof-reader'));
  const consumer = kafka.consumer({ groupId: `crash-proof-reader-${Date.now()}` });
  const eventsByMeal = new Map<string, Set<string>>();
  let messages = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages += 1;
      last = Date.now();
      const envelope = JSON.parse(message.value?.toString() ?? '{}') as { eventId?: string; type?: string; payload?: { mealId?: string } };
      if (envelope.type !== 'meal.scanned' || !envelope.payload?.mealId || !envelope.eventId) return;
      const set = eventsByMeal.get(envelope.payload.mealId) ?? new Set<string>();
      set.add(envelope.eventId);
      eventsByMeal.set(envelope.payload.mealId, set);
    },
  });
  await waitFor('the topic reader', 60, async () => eventsByMeal.size >= expected && Date.now() - last > 1500);
  await consumer.disconnect();
  let one = 0;
  let several = 0;
  let distinct = 0;
  for (const set of eventsByMeal.values()) {
    distinct += set.size;
    if (set.size === 1) one += 1;
    else several += 1;
  }
  return { messages, distinctEvents: distinct, mealsWithOneEvent: one, mealsWithSeveralEvents: several };
}

interface RoundReport {
  scenario: Scenario;
  round: number;
  offeredScans: number;
  offeredPerSecond: number;
  /** from the first scan sent to the last answer received, and the answers per second over that time */
  lastAnswerSeconds: number;
  answeredPerSecond: number;
  answered2xx: number;
  answered4xx: Record<string, number>;
  unanswered: number;
  retriedScans: number;
  mealsStored: number;
  successStoredExactlyOnce: number;
  successMissing: number;
  storedWithoutSuccess: number;
  outboxUnpublished: number;
  topic: Awaited<ReturnType<typeof topicEventsPerMeal>>;
  riskMealFacts: number;
  mealsWithoutFact: number;
  outsideMeals: number;
  proxyWarnings: number;
  outsideMealsWithOneWarning: number;
  duplicateWarnings: number;
  warningsByModel: Record<string, number>;
  ledger: { day: string; entries: number; sumFen: number; periodUnitPaidMeals: number; storedUnitPaidMeals: number; mealsOnOtherDays: number };
  recoverySeconds: number;
  ok: boolean;
  failures: string[];
}

async function round(scenario: Scenario, n: number, entries: { canteen: string; risk: string }): Promise<RoundReport> {
  const url = withDatabase(opts.baseUrl, `meal_crash_${scenario}_${n}`);
  const keys = makeKeys();
  const dinersNeeded = Math.round(opts.rate * opts.seconds) + 10;
  const prepared = await prepareDatabase(url, { seed: 20220701, scale: 1, benchDiners: dinersNeeded, log: () => undefined });
  const canteens = prepared.canteens.slice(0, 120);
  const tokens = prepared.diners.map((d) => keys.signToken({ sub: d.id, kind: 'staff', roles: ['diner'], name: d.name, unit_id: d.unitId }));
  const adminToken = keys.signToken({ sub: prepared.adminStaffId, kind: 'staff', roles: ['diner', 'admin'], name: 'crash admin' });
  const prefix = `crash-${scenario}-${n}-${Date.now().toString(36)}.`;
  const brokers = `127.0.0.1:${opts.kafkaPort}`;
  // the dedicated broker's credentials (its data dir): each service logs in as its own principal, on provisioned topics
  const benchKafka = new BenchKafka(brokers, REPO, kafkaEnv.KAFKA_DATA_DIR);
  await benchKafka.provision(prefix);
  // the scan clock starts at yesterday 10:00 (Asia/Shanghai), so the round's meals can be settled (a day closes once over)
  const day = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
  const common = {
    ...keys.env,
    NODE_ENV: 'development', // the simulation clock is refused in production
    SIMULATION_CLOCK_ENABLED: 'true',
    SIMULATION_CLOCK_START: `${day}T10:00:00+08:00`,
    AUTH_DEV_LOGIN_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    DATABASE_URL: url,
    SCAN_GEOFENCE_POLICY: 'flag',
  };
  const canteenEnv = { ...common, ...benchKafka.serviceEnv(prefix, 'canteen-service'), CANTEEN_PORT: String(opts.canteenPort) };
  const riskEnv = { ...common, ...benchKafka.serviceEnv(prefix, 'risk-service'), RISK_PORT: String(opts.riskPort) };
  const logDir = join(REPO, '.run/crash-logs');
  mkdirSync(logDir, { recursive: true });
  let canteen: ServiceHandle = await startService(entries.canteen, canteenEnv, opts.canteenPort, join(logDir, `${prefix}canteen.log`));
  let risk: ServiceHandle = await startService(entries.risk, riskEnv, opts.riskPort, join(logDir, `${prefix}risk.log`));
  const failures: string[] = [];
  let recoveredAt = 0;
  let killedAt = 0;
  try {
    const codes = await issueMealCodes(canteen.baseUrl, adminToken, canteens);
    let killed = false;
    const onTick = async (elapsed: number): Promise<void> => {
      if (killed || elapsed < opts.killAt) return;
      killed = true;
      killedAt = Date.now();
      log(`${scenario} round ${n}: kill -9 at ${elapsed.toFixed(1)} s`);
      if (scenario === 'canteen') {
        canteen.child.kill('SIGKILL');
        await sleep(opts.down * 1000);
        canteen = await startService(entries.canteen, canteenEnv, opts.canteenPort, join(logDir, `${prefix}canteen-restarted.log`));
      } else if (scenario === 'risk') {
        risk.child.kill('SIGKILL');
        await sleep(opts.down * 1000);
        risk = await startService(entries.risk, riskEnv, opts.riskPort, join(logDir, `${prefix}risk-restarted.log`));
      } else if (scenario === 'kafka') {
        killBroker();
        await sleep(opts.down * 1000);
        if (!(await startBrokerInBackground())) failures.push('the broker did not restart');
      } else {
        // PostgreSQL's connections: terminate every backend of this database, three times across the outage
        for (let k = 0; k < 3; k += 1) {
          const [row] = await query<{ n: string }>(
            url,
            `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
          log(`${scenario} round ${n}: terminated ${row?.n} backends`);
          await sleep((opts.down * 1000) / 3);
        }
      }
      recoveredAt = Date.now();
      log(`${scenario} round ${n}: restarted after ${((recoveredAt - killedAt) / 1000).toFixed(1)} s`);
    };
    const outcomes = await runDiners(canteen.baseUrl, prepared.diners, tokens, canteens, codes, prefix.replace(/[^A-Za-z0-9_-]/g, ''), onTick);
    // ports are fixed, so a restarted canteen service answers on the same base URL the phones keep using
    const success = outcomes.filter((o) => o.status !== undefined && o.status < 300);
    const answered4xx: Record<string, number> = {};
    for (const o of outcomes) if (o.status !== undefined && o.status >= 400) answered4xx[o.code ?? String(o.status)] = (answered4xx[o.code ?? String(o.status)] ?? 0) + 1;

    // recovery: the outbox drains and the risk service catches up
    await waitFor('the outbox to drain', 180, async () => {
      const [row] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL`);
      return Number(row!.n) === 0;
    });
    const [{ meals }] = (await query<{ meals: string }>(url, `SELECT count(*) AS meals FROM meals`)) as [{ meals: string }];
    await waitFor('the risk service to catch up', 180, async () => {
      const [row] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM risk_meal_facts`);
      return Number(row!.n) >= Number(meals);
    });
    await sleep(3000); // warnings are written after the facts they come from

    const ids = success.map((o) => o.mealId).filter((id): id is string => typeof id === 'string');
    const [stored] = await query<{ once: string; missing: string }>(
      url,
      `SELECT count(*) FILTER (WHERE c = 1) AS once, count(*) FILTER (WHERE c = 0) AS missing
         FROM (SELECT id, (SELECT count(*) FROM meals m WHERE m.id = x.id) AS c FROM unnest($1::uuid[]) AS x(id)) t`,
      [ids],
    );
    const [without] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM meals WHERE NOT (id = ANY($1::uuid[]))`, [ids]);
    const [unpublished] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL`);
    const [facts] = await query<{ n: string; missing: string }>(
      url,
      `SELECT (SELECT count(*) FROM risk_meal_facts) AS n,
              (SELECT count(*) FROM meals m WHERE NOT EXISTS (SELECT 1 FROM risk_meal_facts f WHERE f.meal_id = m.id)) AS missing`,
    );
    const [geo] = await query<{ outside: string; warned_once: string; warnings: string }>(
      url,
      `SELECT (SELECT count(*) FROM meals WHERE NOT within_geofence) AS outside,
              (SELECT count(*) FROM meals m WHERE NOT m.within_geofence
                 AND (SELECT count(*) FROM risk_warnings w WHERE w.dedupe_key = 'proxy-scan:geofence:' || m.id) = 1) AS warned_once,
              (SELECT count(*) FROM risk_warnings WHERE dedupe_key LIKE 'proxy-scan:geofence:%') AS warnings`,
    );
    const [dupes] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM (SELECT dedupe_key FROM risk_warnings GROUP BY dedupe_key HAVING count(*) > 1) d`);
    const byModel = await query<{ model_key: string; n: string }>(url, `SELECT model_key, count(*) AS n FROM risk_warnings GROUP BY model_key ORDER BY model_key`);
    const topic = await topicEventsPerMeal(benchKafka, `${prefix}meal.events`, Number(meals));

    // the ledger: close the round's day through the settlement API (as the clearing company) and check it balances
    const clearing = keys.signToken({ sub: prepared.adminStaffId, kind: 'staff', roles: ['settlement_officer'], name: 'crash clearing company' });
    const close = await fetch(`${canteen.baseUrl}/settlement/periods/${day}/close`, { method: 'POST', headers: { authorization: `Bearer ${clearing}` } });
    if (!close.ok) failures.push(`closing ${day}: HTTP ${close.status} ${(await close.text()).slice(0, 200)}`);
    const [ledger] = await query<{ entries: string; sum: string; period_unit_paid: string; meals_unit_paid: string; meals_other_days: string }>(
      url,
      `SELECT (SELECT count(*) FROM settlement_ledger_entries e JOIN settlement_periods p ON p.id = e.period_id WHERE p.kind = 'day' AND p.period_start = $1) AS entries,
              (SELECT coalesce(sum(e.amount_fen), 0) FROM settlement_ledger_entries e JOIN settlement_periods p ON p.id = e.period_id WHERE p.kind = 'day' AND p.period_start = $1) AS sum,
              (SELECT unit_paid_count FROM settlement_periods WHERE kind = 'day' AND period_start = $1) AS period_unit_paid,
              (SELECT count(*) FROM meals WHERE meal_date = $1 AND payer = 'unit' AND status <> 'voided') AS meals_unit_paid,
              (SELECT count(*) FROM meals WHERE meal_date <> $1) AS meals_other_days`,
      [day],
    );

    const lastAnswerMs = outcomes.reduce((m, o) => Math.max(m, o.answeredAfterMs ?? 0), 0);
    const report: RoundReport = {
      scenario,
      round: n,
      offeredScans: outcomes.length,
      offeredPerSecond: opts.rate,
      lastAnswerSeconds: Math.round(lastAnswerMs / 100) / 10,
      answeredPerSecond: Math.round(outcomes.filter((o) => o.status !== undefined).length / Math.max(0.001, lastAnswerMs / 1000)),
      answered2xx: success.length,
      answered4xx,
      unanswered: outcomes.filter((o) => o.status === undefined).length,
      retriedScans: outcomes.filter((o) => o.attempts > 1).length,
      mealsStored: Number(meals),
      successStoredExactlyOnce: Number(stored!.once),
      successMissing: Number(stored!.missing),
      storedWithoutSuccess: Number(without!.n),
      outboxUnpublished: Number(unpublished!.n),
      topic,
      riskMealFacts: Number(facts!.n),
      mealsWithoutFact: Number(facts!.missing),
      outsideMeals: Number(geo!.outside),
      proxyWarnings: Number(geo!.warnings),
      outsideMealsWithOneWarning: Number(geo!.warned_once),
      duplicateWarnings: Number(dupes!.n),
      warningsByModel: Object.fromEntries(byModel.map((r) => [r.model_key, Number(r.n)])),
      ledger: { day, entries: Number(ledger!.entries), sumFen: Number(ledger!.sum), periodUnitPaidMeals: Number(ledger!.period_unit_paid ?? -1), storedUnitPaidMeals: Number(ledger!.meals_unit_paid), mealsOnOtherDays: Number(ledger!.meals_other_days) },
      recoverySeconds: recoveredAt && killedAt ? Math.round((recoveredAt - killedAt) / 100) / 10 : 0,
      ok: true,
      failures,
    };
    const check = (ok: boolean, message: string): void => {
      if (!ok) failures.push(message);
    };
    check(report.unanswered === 0, `${report.unanswered} scans never got an answer`);
    check(report.successStoredExactlyOnce === ids.length && ids.length === success.length, `success answers ${success.length}, stored exactly once ${report.successStoredExactlyOnce}`);
    check(report.storedWithoutSuccess === 0, `${report.storedWithoutSuccess} stored meals without a success answer`);
    check(report.outboxUnpublished === 0, `${report.outboxUnpublished} outbox rows unpublished`);
    check(topic.mealsWithOneEvent === report.mealsStored && topic.mealsWithSeveralEvents === 0, `topic: ${topic.mealsWithOneEvent} meals with one event id, ${topic.mealsWithSeveralEvents} with several, of ${report.mealsStored}`);
    check(report.mealsWithoutFact === 0 && report.riskMealFacts === report.mealsStored, `risk facts ${report.riskMealFacts} for ${report.mealsStored} meals`);
    check(report.outsideMealsWithOneWarning === report.outsideMeals && report.proxyWarnings === report.outsideMeals, `outside meals ${report.outsideMeals}, warned once ${report.outsideMealsWithOneWarning}, proxy warnings ${report.proxyWarnings}`);
    check(report.duplicateWarnings === 0, `${report.duplicateWarnings} duplicated warnings`);
    const l = report.ledger;
    check(l.entries > 0 && l.sumFen === 0, `ledger of ${l.day}: ${l.entries} entries summing to ${l.sumFen} fen`);
    check(l.periodUnitPaidMeals === l.storedUnitPaidMeals && l.mealsOnOtherDays === 0, `ledger of ${l.day}: ${l.periodUnitPaidMeals} unit-paid meals settled of ${l.storedUnitPaidMeals} stored; ${l.mealsOnOtherDays} meals on other days`);
    report.ok = failures.length === 0;
    return report;
  } finally {
    await canteen.stop().catch(() => undefined);
    await risk.stop().catch(() => undefined);
    await dropDatabase(url).catch(() => undefined);
    rmSync(keys.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  log(`options ${JSON.stringify(opts)}`);
  const entries = benchServiceEntries(REPO, 'dist-crash');
  if (opts.build || !existsSync(entries.canteen) || !existsSync(entries.risk)) {
    log('building both services into bench/dist');
    buildBenchServices(REPO, 'dist-crash');
  }
  rmSync(kafkaEnv.KAFKA_DATA_DIR, { recursive: true, force: true });
  if (!kafkaSh('start')) throw new Error('could not start the crash-proof broker');
  const reports: RoundReport[] = [];
  try {
    for (const scenario of opts.scenarios) {
      for (let n = 1; n <= opts.rounds; n += 1) {
        const r = await round(scenario, n, entries);
        reports.push(r);
        log(
          `${scenario} round ${n}: ${r.ok ? 'OK' : 'FAILED'} — ${r.offeredScans} scans offered at ${r.offeredPerSecond}/s, all answered within ${r.lastAnswerSeconds} s (${r.answeredPerSecond}/s); ` +
            `${r.answered2xx} answered 2xx (${r.retriedScans} retried), ${r.mealsStored} meals stored, ` +
            `${r.successStoredExactlyOnce} success answers stored exactly once, ${r.storedWithoutSuccess} stored without answer; ` +
            `topic ${r.topic.messages} messages / ${r.topic.distinctEvents} event ids (${r.topic.mealsWithSeveralEvents} meals with >1 id); ` +
            `risk facts ${r.riskMealFacts}; outside-geofence meals ${r.outsideMeals} → ${r.proxyWarnings} warnings, duplicates ${r.duplicateWarnings}; ` +
            `ledger ${r.ledger.day}: ${r.ledger.entries} entries, sum ${r.ledger.sumFen} fen, ${r.ledger.periodUnitPaidMeals}/${r.ledger.storedUnitPaidMeals} unit-paid meals settled` +
            (r.failures.length ? `; FAILURES: ${r.failures.join('; ')}` : ''),
        );
      }
    }
  } finally {
    kafkaSh('stop');
  }
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const result = { generatedAt: new Date().toISOString(), options: opts, rounds: reports, allOk: reports.every((r) => r.ok) };
  writeFileSync(join(REPO, 'bench/results/crash.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(`${reports.filter((r) => r.ok).length} of ${reports.length} rounds passed every check; written to bench/results/crash.json`);
  if (!result.allOk) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
