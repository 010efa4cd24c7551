/**
 * Settlement benchmark (issue 4, "Performance"): the monthly close of a province-month — 10 million meals — through
 * the service's HTTP API, against a plain SQL aggregation over the same meals measured in the same run.
 *
 *   npm run bench:settlement -- [--meals 10000000] [--scale 10] [--seed 7] [--month YYYY-MM] [--runs 3]
 *                               [--unit-share 0.35] [--void-every 200] [--keep] [--reuse]
 *
 * 1. Fresh database `meal_bench_settlement` (drop/create, migrate, seed the demo organisation at --scale: 60 counties
 *    at scale 10, a province). 2. Generates the month's meals with ONE generate_series INSERT per day-chunk, in date
 *    order (as scans arrive): every diner eats at most once per slot (one-meal-per-slot holds), each unit's staff eat
 *    at four canteens (two in their district, one in their city, one anywhere in the province), a visitor on official
 *    business is unit-paid with probability --unit-share, every --void-every-th meal is voided (before the close).
 *    The meals' indexes and settlement guard triggers are dropped for the load and rebuilt afterwards (all of them:
 *    the schema is the production one), then VACUUM (FREEZE, ANALYZE) and CHECKPOINT.
 * 3. Starts the canteen service in this process (CanteenAppModule as in production, embedded event transport) and
 *    signs a clearing-company officer's token. A warm-up scan of the month loads the table into the page cache.
 * 4. Cold catch-up (`cold` in the JSON), --runs times: the plain aggregation (SELECT … GROUP BY payer unit, owner unit,
 *    payer over the month's meals that are not voided) and a close of the month none of whose days was closed (POST
 *    /settlement/periods/<month>/close: 30/31 day periods, ledger, reversals, pair totals, netting, statements, outbox
 *    events); between runs the settlement tables are emptied (TRUNCATE). The service's RSS is sampled every 50 ms.
 * 5. The headline (`seconds`, `ratioToPlainSql`), as production runs it, --runs times: the settlement tables emptied,
 *    the month's days are closed one by one (as the nightly job would, each timed), then the month close draws up the
 *    month from the days' stored totals; the plain aggregation is measured just before and just after each month
 *    close. Medians; ratio = median month close / median plain aggregation.
 * 6. Writes bench/results/settlement.json; drops the database unless --keep. --reuse keeps an existing bench database
 *    with the same meal count (skips 1-2).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Role, TokenIssuer } from '@meal/auth';
import { createServiceKeyFiles } from '@meal/testing';
import { buildDataSourceOptions, dropDatabase, ensureDatabase, runMigrations, withDatabase } from '@meal/database';
import { seedDemoCity } from '@meal/organisation';
import { configureHttpApp } from '@meal/platform';
import { CanteenAppModule } from '../apps/canteen/src/canteen-app.module';

const REPO = resolve(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}

function previousMonth(): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

const opts = {
  meals: Number(option('meals', '10000000')),
  scale: Number(option('scale', '10')),
  seed: Number(option('seed', '7')),
  month: option('month', previousMonth()),
  runs: Number(option('runs', '3')),
  unitShare: Number(option('unit-share', '0.35')),
  voidEvery: Number(option('void-every', '200')),
  keep: flag('keep'),
  reuse: flag('reuse'),
  databaseUrl: option('database-url', withDatabase(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/official_meal', 'meal_bench_settlement')),
};

const t0 = Date.now();
function log(message: string): void {
  process.stdout.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}
const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;

const monthStart = `${opts.month}-01`;
const daysInMonth = new Date(Date.UTC(Number(opts.month.slice(0, 4)), Number(opts.month.slice(5, 7)), 0)).getUTCDate();
const monthEnd = `${opts.month}-${String(daysInMonth).padStart(2, '0')}`;

/** Every index of `meals` (name → definition) as the migrations left it, to rebuild after the load. */
async function mealIndexes(client: Client): Promise<{ name: string; def: string; constraint: string | null }[]> {
  const rows = await client.query<{ name: string; def: string; constraint: string | null }>(
    `SELECT i.indexname AS name, i.indexdef AS def, c.conname AS constraint
     FROM pg_indexes i LEFT JOIN pg_constraint c ON c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
       AND c.conrelid = 'meals'::regclass
     WHERE i.tablename = 'meals' ORDER BY i.indexname`,
  );
  return rows.rows;
}

async function prepare(client: Client): Promise<void> {
  await dropDatabase(opts.databaseUrl);
  await ensureDatabase(opts.databaseUrl);
  await runMigrations(opts.databaseUrl);
  const dataSource = new DataSource(buildDataSourceOptions(opts.databaseUrl, [], 4));
  await dataSource.initialize();
  try {
    const summary = await seedDemoCity(dataSource, { seed: opts.seed, scale: opts.scale });
    log(`seeded scale ${opts.scale}: ${summary.counts.staff} staff, ${summary.counts.canteens} canteens in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  } finally {
    await dataSource.destroy();
  }
  await client.connect();
}

async function generate(client: Client): Promise<void> {
  const perDay = Math.ceil(opts.meals / daysInMonth);
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET work_mem = '256MB'`);
  await client.query(`
    CREATE TABLE bench_diners AS
    SELECT row_number() OVER (ORDER BY s.id) - 1 AS k, s.id, s.unit_id FROM staff s JOIN units u ON u.id = s.unit_id WHERE s.active AND u.active`);
  await client.query(`CREATE UNIQUE INDEX ON bench_diners (k)`);
  const [{ n: diners }] = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM bench_diners`)).rows as [{ n: string }];
  const dinerCount = Number(diners);
  const perSlotDay = Math.ceil(perDay / 3);
  if (perSlotDay > dinerCount) throw new Error(`${perSlotDay} diners needed per slot and day, only ${dinerCount}: raise --scale or lower --meals`);
  // each unit's four canteens: two in its district, one in its city, one anywhere
  await client.query(`
    CREATE TABLE bench_canteens AS
    SELECT c.id, c.owner_unit_id, d.district_code, left(c.region_code, 4) AS city,
           row_number() OVER (PARTITION BY d.district_code ORDER BY c.id) - 1 AS kd, count(*) OVER (PARTITION BY d.district_code) AS nd,
           row_number() OVER (PARTITION BY left(c.region_code, 4) ORDER BY c.id) - 1 AS kc, count(*) OVER (PARTITION BY left(c.region_code, 4)) AS nc,
           row_number() OVER (ORDER BY c.id) - 1 AS ka, count(*) OVER () AS na
    FROM canteens c JOIN settlement_region_districts d ON d.region_code = c.region_code WHERE c.active`);
  await client.query(`
    CREATE TABLE bench_unit_canteens AS
    SELECT u.id AS unit_id, x.slot_k, x.canteen_id, x.owner_unit_id
    FROM units u JOIN settlement_region_districts ud ON ud.region_code = u.region_code
    CROSS JOIN LATERAL (
      SELECT 0 AS slot_k, c.id AS canteen_id, c.owner_unit_id FROM bench_canteens c
        WHERE c.district_code = ud.district_code AND c.kd = abs(hashtext(u.id::text)) % c.nd
      UNION ALL SELECT 1, c.id, c.owner_unit_id FROM bench_canteens c
        WHERE c.district_code = ud.district_code AND c.kd = abs(hashtext(u.id::text || 'b')) % c.nd
      UNION ALL SELECT 2, c.id, c.owner_unit_id FROM bench_canteens c
        WHERE c.city = left(u.region_code, 4) AND c.kc = abs(hashtext(u.id::text || 'c')) % c.nc
      UNION ALL SELECT 3, c.id, c.owner_unit_id FROM bench_canteens c WHERE c.ka = abs(hashtext(u.id::text || 'd')) % c.na
    ) x`);
  await client.query(`CREATE UNIQUE INDEX ON bench_unit_canteens (unit_id, slot_k)`);
  const missing = await client.query(`SELECT count(*) AS n FROM (SELECT unit_id FROM bench_unit_canteens GROUP BY unit_id HAVING count(*) < 4) x`);
  log(`generation tables: ${dinerCount} diners, units with fewer than 4 canteens: ${missing.rows[0].n}`);

  const indexes = await mealIndexes(client);
  for (const ix of indexes) {
    if (ix.constraint) await client.query(`ALTER TABLE meals DROP CONSTRAINT ${ix.constraint}`);
    else await client.query(`DROP INDEX ${ix.name}`);
  }
  await client.query(`ALTER TABLE meals DROP CONSTRAINT fk_meals_diner, DROP CONSTRAINT fk_meals_canteen`);
  await client.query(`ALTER TABLE meals DISABLE TRIGGER USER`);
  const started = Date.now();
  const chunkDays = Math.max(1, Math.floor(1_000_000 / perDay));
  for (let day = 0; day < daysInMonth; day += chunkDays) {
    const last = Math.min(daysInMonth, day + chunkDays) - 1;
    const lo = day * perDay;
    const hi = Math.min(opts.meals, (last + 1) * perDay) - 1;
    if (lo > hi) break;
    // g → day = g / perDay, j = g % perDay: slot = j % 3, diner rank = j / 3 (distinct per day and slot), spread by a prime stride
    await client.query(
      `INSERT INTO meals (id, diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date, slot, price_fen, payer, is_visitor, purpose,
         scanned_at, scan_latitude, scan_longitude, scan_accuracy_m, distance_m, within_geofence, code_version, idempotency_key, request_hash,
         status, verified_at, verified_by_terminal_id, verified_offline, voided_at, void_reason, void_idempotency_key)
       SELECT gen_random_uuid(), d.id, d.unit_id, uc.canteen_id, uc.owner_unit_id, x.meal_date, x.slot,
              CASE x.slot WHEN 'breakfast' THEN 300 + x.h % 1701 ELSE 800 + x.h % 3201 END,
              x.payer_kind, uc.owner_unit_id <> d.unit_id, CASE WHEN x.payer_kind = 'unit' THEN 'official' ELSE 'personal' END,
              x.scanned_at, 28.97, 118.86, 12, 15, true, 1, 'bench-' || lpad(x.g::text, 10, '0'), 'bench',
              CASE WHEN x.g % $6 = 0 THEN 'voided' ELSE 'verified' END,
              CASE WHEN x.g % $6 = 0 THEN NULL ELSE x.scanned_at + interval '1 minute' END,
              CASE WHEN x.g % $6 = 0 THEN NULL ELSE '00000000-0000-4000-8000-00000000beef'::uuid END, false,
              CASE WHEN x.g % $6 = 0 THEN x.scanned_at + interval '5 minutes' END, CASE WHEN x.g % $6 = 0 THEN '压测作废' END,
              CASE WHEN x.g % $6 = 0 THEN 'bvoid-' || lpad(x.g::text, 10, '0') END
       FROM (
         SELECT g, ($3::date + (g / $4)::int) AS meal_date, (ARRAY['breakfast', 'lunch', 'dinner'])[1 + (g % $4) % 3] AS slot,
                ((g % $4) / 3 * 7919 + (g / $4) * 104729) % $5 AS diner_k, abs(hashtext(g::text)) AS h,
                ($3::date + (g / $4)::int)::timestamp + (ARRAY[interval '-1 hour', interval '3 hours 30 minutes', interval '9 hours 30 minutes'])[1 + (g % $4) % 3]
                  + ((g % $4) / 3 % 5400) * interval '1 second' AS scanned_at,
                NULL::text AS payer_kind
         FROM generate_series($1::bigint, $2::bigint) g
       ) x0
       CROSS JOIN LATERAL (SELECT x0.g, x0.meal_date, x0.slot, x0.h, x0.scanned_at AT TIME ZONE 'UTC' AS scanned_at, x0.diner_k,
              CASE WHEN x0.h % 20 < 6 THEN 0 WHEN x0.h % 20 < 12 THEN 1 WHEN x0.h % 20 < 17 THEN 2 ELSE 3 END AS slot_k) x1
       JOIN bench_diners d ON d.k = x1.diner_k
       JOIN bench_unit_canteens uc ON uc.unit_id = d.unit_id AND uc.slot_k = x1.slot_k
       CROSS JOIN LATERAL (SELECT x1.g, x1.meal_date, x1.slot, x1.h, x1.scanned_at,
              CASE WHEN uc.owner_unit_id <> d.unit_id AND (x1.h / 20) % 1000 < $7::float8 * 1000 THEN 'unit' ELSE 'self' END AS payer_kind) x`,
      [lo, hi, monthStart, perDay, dinerCount, opts.voidEvery, opts.unitShare],
    );
    log(`meals ${lo.toLocaleString()}…${hi.toLocaleString()} inserted (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const loadSeconds = (Date.now() - started) / 1000;
  const rebuildStarted = Date.now();
  await client.query(`SET maintenance_work_mem = '1GB'`);
  for (const ix of indexes) {
    if (ix.constraint) {
      const kind = ix.constraint.startsWith('pk_') ? 'PRIMARY KEY' : 'UNIQUE';
      await client.query(ix.def);
      await client.query(`ALTER TABLE meals ADD CONSTRAINT ${ix.constraint} ${kind} USING INDEX ${ix.name}`);
    } else {
      await client.query(ix.def);
    }
  }
  await client.query(`ALTER TABLE meals ADD CONSTRAINT fk_meals_diner FOREIGN KEY (diner_id) REFERENCES staff (id) NOT VALID`);
  await client.query(`ALTER TABLE meals ADD CONSTRAINT fk_meals_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id) NOT VALID`);
  await client.query(`ALTER TABLE meals ENABLE TRIGGER USER`);
  log(`loaded ${opts.meals.toLocaleString()} meals in ${loadSeconds.toFixed(0)} s; rebuilt ${indexes.length} indexes in ${((Date.now() - rebuildStarted) / 1000).toFixed(0)} s`);
  await client.query(`DROP TABLE bench_diners, bench_canteens, bench_unit_canteens`);
  await client.query(`VACUUM (FREEZE, ANALYZE) meals`);
  await client.query(`CHECKPOINT`);
}

async function resetSettlement(client: Client): Promise<void> {
  await client.query(
    `TRUNCATE settlement_statements, settlement_pair_totals, settlement_ledger_entries, settlement_reversals, settlement_excluded_meals, settlement_periods, outbox_events`,
  );
  await client.query(`DELETE FROM settlement_accounts WHERE kind IN ('unit', 'district')`);
  await client.query(`VACUUM ANALYZE settlement_accounts`);
  await client.query(`CHECKPOINT`);
}

async function ledgerChecks(db: Client): Promise<{ entries: number; sum: number; statements: number; net: number; days: number }> {
  const row = (
    await db.query<{ entries: string; sum: string; statements: string; net: string; days: string }>(
      `SELECT (SELECT count(*) FROM settlement_ledger_entries) AS entries, (SELECT coalesce(sum(amount_fen), 0) FROM settlement_ledger_entries) AS sum,
              (SELECT count(*) FROM settlement_statements) AS statements, (SELECT coalesce(sum(net_fen), 0) FROM settlement_statements WHERE party_type = 'unit') AS net,
              (SELECT count(*) FROM settlement_periods WHERE kind = 'day') AS days`,
    )
  ).rows[0]!;
  return { entries: Number(row.entries), sum: Number(row.sum), statements: Number(row.statements), net: Number(row.net), days: Number(row.days) };
}

const PLAIN_SQL = `SELECT diner_unit_id, canteen_owner_unit_id, payer, count(*) AS meals, sum(price_fen) AS fen
  FROM meals WHERE meal_date BETWEEN $1 AND $2 AND status <> 'voided'
  GROUP BY diner_unit_id, canteen_owner_unit_id, payer`;

async function main(): Promise<void> {
  log(`options: ${JSON.stringify({ ...opts, databaseUrl: undefined })}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);
  const client = new Client({ connectionString: opts.databaseUrl });
  let reused = false;
  if (opts.reuse) {
    try {
      await client.connect();
      const [row] = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM meals WHERE meal_date BETWEEN $1 AND $2`, [monthStart, monthEnd])).rows;
      reused = Number(row?.n) === opts.meals;
      if (!reused) await client.end();
    } catch {
      reused = false;
    }
  }
  let prepareSeconds = 0;
  if (!reused) {
    const p0 = Date.now();
    const fresh = reused ? client : new Client({ connectionString: opts.databaseUrl });
    await prepare(fresh);
    await generate(fresh);
    prepareSeconds = (Date.now() - p0) / 1000;
    await fresh.end();
  } else {
    await client.end();
    // a database kept by an earlier version of the code gets the migrations added since
    const applied = await runMigrations(opts.databaseUrl);
    log(`reusing the bench database${applied.length ? ` (migrated: ${applied.join(', ')})` : ''}`);
  }
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  await resetSettlement(db);
  const stats = (
    await db.query<{ meals: string; unit_paid: string; voided: string; units: string; canteens: string; size: string }>(
      `SELECT count(*) AS meals, count(*) FILTER (WHERE payer = 'unit' AND status <> 'voided') AS unit_paid, count(*) FILTER (WHERE status = 'voided') AS voided,
              (SELECT count(*) FROM units) AS units, (SELECT count(*) FROM canteens) AS canteens, pg_size_pretty(pg_total_relation_size('meals')) AS size
       FROM meals WHERE meal_date BETWEEN $1 AND $2`,
      [monthStart, monthEnd],
    )
  ).rows[0]!;
  log(`month ${opts.month}: ${Number(stats.meals).toLocaleString()} meals (${Number(stats.unit_paid).toLocaleString()} unit-paid, ${stats.voided} voided), ${stats.units} units, ${stats.canteens} canteens; meals table ${stats.size}`);

  // the service, in this process, as in production
  const keyDir = mkdtempSync(join(tmpdir(), 'bench-settlement-'));
  const keys = createServiceKeyFiles(keyDir);
  const app = await NestFactory.create<NestExpressApplication>(
    CanteenAppModule.forRoot({ DATABASE_URL: opts.databaseUrl, KAFKA_BROKERS: '', KAFKA_EMBEDDED_BUS: `bench-${randomBytes(3).toString('hex')}`, LOG_LEVEL: 'warn', AUTH_TOKEN_TTL_SECONDS: '3600', ...keys }),
    { bufferLogs: true, bodyParser: false, logger: ['error', 'warn'] },
  );
  configureHttpApp(app, { title: 'canteen (settlement bench)', description: 'bench' });
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const [officer] = (await db.query<{ id: string; name: string; unit_id: string }>(`SELECT id, name, unit_id FROM staff WHERE active ORDER BY id LIMIT 1`)).rows;
  const token = app
    .get(TokenIssuer)
    .issue({ subject: officer!.id, kind: 'staff', roles: [Role.Diner, Role.SettlementOfficer], name: officer!.name, unitId: officer!.unit_id }, { ttlSeconds: 3600 }).accessToken;

  // warm-up: the month into the page cache
  let w = Date.now();
  await db.query(PLAIN_SQL, [monthStart, monthEnd]);
  log(`warm-up scan ${((Date.now() - w) / 1000).toFixed(1)} s`);

  const plainSeconds: number[] = [];
  const closeSeconds: number[] = [];
  let plainGroups = 0;
  let peakRss = 0;
  const rssBefore = process.memoryUsage().rss;
  let closeBody: Record<string, unknown> = {};
  for (let run = 1; run <= opts.runs; run++) {
    w = Date.now();
    const plain = await db.query(PLAIN_SQL, [monthStart, monthEnd]);
    plainSeconds.push((Date.now() - w) / 1000);
    plainGroups = plain.rowCount ?? 0;
    let runPeak = process.memoryUsage().rss;
    const sampler = setInterval(() => (runPeak = Math.max(runPeak, process.memoryUsage().rss)), 50);
    w = Date.now();
    const res = await fetch(`${baseUrl}/settlement/periods/${opts.month}/close`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const seconds = (Date.now() - w) / 1000;
    clearInterval(sampler);
    runPeak = Math.max(runPeak, process.memoryUsage().rss);
    peakRss = Math.max(peakRss, runPeak);
    closeBody = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200 || closeBody.alreadyClosed !== false) throw new Error(`close failed: ${res.status} ${JSON.stringify(closeBody)}`);
    closeSeconds.push(seconds);
    log(`run ${run}: plain aggregation ${plainSeconds[run - 1]!.toFixed(2)} s (${plainGroups} groups), close ${seconds.toFixed(2)} s, service RSS peak ${(runPeak / 2 ** 20).toFixed(0)} MiB`);
    if (run < opts.runs) await resetSettlement(db);
  }
  const period = closeBody.period as Record<string, number>;
  const coldChecks = await ledgerChecks(db);

  // Steady state (the headline): the days were closed nightly (each timed), then the month close rolls them up from
  // the days' stored totals; the plain aggregation is measured just before and just after each month close.
  const dayClose: number[] = [];
  const monthSeconds: number[] = [];
  const nightlyPlain: number[] = [];
  let nightlyPeak = process.memoryUsage().rss;
  let monthBody: Record<string, unknown> = {};
  for (let run = 1; run <= opts.runs; run++) {
    await resetSettlement(db);
    const sampler = setInterval(() => (nightlyPeak = Math.max(nightlyPeak, process.memoryUsage().rss)), 50);
    const days: number[] = [];
    for (let d = 1; d <= daysInMonth; d++) {
      const key = `${opts.month}-${String(d).padStart(2, '0')}`;
      w = Date.now();
      const res = await fetch(`${baseUrl}/settlement/periods/${key}/close`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`day close failed: ${res.status} ${await res.text()}`);
      days.push((Date.now() - w) / 1000);
    }
    dayClose.push(...days);
    w = Date.now();
    await db.query(PLAIN_SQL, [monthStart, monthEnd]);
    const before = (Date.now() - w) / 1000;
    w = Date.now();
    const res = await fetch(`${baseUrl}/settlement/periods/${opts.month}/close`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const seconds = (Date.now() - w) / 1000;
    monthBody = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200 || monthBody.alreadyClosed !== false || (monthBody.daysClosed as string[]).length !== 0) {
      throw new Error(`month close after the day closes failed: ${JSON.stringify(monthBody)}`);
    }
    w = Date.now();
    await db.query(PLAIN_SQL, [monthStart, monthEnd]);
    const after = (Date.now() - w) / 1000;
    clearInterval(sampler);
    nightlyPeak = Math.max(nightlyPeak, process.memoryUsage().rss);
    monthSeconds.push(seconds);
    nightlyPlain.push(before, after);
    log(
      `run ${run}: ${daysInMonth} day closes in ${days.reduce((a, b) => a + b, 0).toFixed(1)} s (median ${median(days).toFixed(2)} s), ` +
        `month close ${seconds.toFixed(2)} s vs plain aggregation ${before.toFixed(2)} / ${after.toFixed(2)} s (before / after)`,
    );
  }
  const nightlyChecks = await ledgerChecks(db);
  const monthPeriod = monthBody.period as Record<string, number>;
  if (monthPeriod.unitPaidFen !== period.unitPaidFen || nightlyChecks.statements !== coldChecks.statements || nightlyChecks.sum !== 0 || nightlyChecks.net !== 0) {
    throw new Error(`the month closed after nightly day closes and the cold close disagree: ${JSON.stringify({ monthPeriod, period, nightlyChecks, coldChecks })}`);
  }
  await app.close();
  await db.end();
  rmSync(keyDir, { recursive: true, force: true });

  const seconds = median(monthSeconds);
  const baseline = median(nightlyPlain);
  const coldSeconds = median(closeSeconds);
  const coldBaseline = median(plainSeconds);
  const result = {
    meals: Number(stats.meals),
    month: opts.month,
    description:
      'the monthly close as it runs in production: the days of the month were closed nightly (each day close aggregates its day and stores its pair totals), ' +
      'then POST /settlement/periods/<month>/close draws up the month (pair totals, netting, statements, events) from them; plain aggregation measured just before and after each month close',
    seconds: round(seconds),
    ratioToPlainSql: round(seconds / baseline, 3),
    peakRssMb: round(Math.max(peakRss, nightlyPeak) / 2 ** 20, 0),
    rssBeforeCloseMb: round(rssBefore / 2 ** 20, 0),
    plainSqlSeconds: round(baseline),
    runs: { monthCloseSeconds: monthSeconds.map((x) => round(x)), plainSqlSeconds: nightlyPlain.map((x) => round(x)) },
    targets: { seconds: 60, ratioToPlainSql: 1.5 },
    met: { seconds: seconds <= 60, ratio: seconds / baseline <= 1.5 },
    plainSql: PLAIN_SQL.replace(/\s+/g, ' '),
    data: {
      unitPaidMeals: Number(stats.unit_paid),
      voidedMeals: Number(stats.voided),
      units: Number(stats.units),
      canteens: Number(stats.canteens),
      mealsTableSize: stats.size,
      scale: opts.scale,
      unitShare: opts.unitShare,
      plainSqlGroups: plainGroups,
    },
    nightly: {
      dayCloses: dayClose.length,
      dailyCloseSecondsMedian: round(median(dayClose)),
      dailyCloseSecondsMax: round(Math.max(...dayClose)),
      dailyCloseSecondsPerMonth: round(dayClose.reduce((a, b) => a + b, 0) / opts.runs),
      peakRssMb: round(nightlyPeak / 2 ** 20, 0),
    },
    cold: {
      description: 'catch-up: one POST closes a month none of whose days was closed, from the raw meals (all its days, their ledger entries, then the month)',
      seconds: round(coldSeconds),
      plainSqlSeconds: round(coldBaseline),
      ratioToPlainSql: round(coldSeconds / coldBaseline, 3),
      runs: { closeSeconds: closeSeconds.map((x) => round(x)), plainSqlSeconds: plainSeconds.map((x) => round(x)) },
      peakRssMb: round(peakRss / 2 ** 20, 0),
      met: { seconds: coldSeconds <= 60, ratio: coldSeconds / coldBaseline <= 1.5 },
    },
    close: {
      dayPeriods: coldChecks.days,
      ledgerEntries: coldChecks.entries,
      ledgerSumFen: coldChecks.sum,
      statements: coldChecks.statements,
      sumOfUnitNetsFen: coldChecks.net,
      unitPaidFen: period?.unitPaidFen,
      unitBilateralPairs: period?.unitBilateralPairs,
      unitNetTransfers: period?.unitNetTransfers,
      districtBilateralPairs: period?.districtBilateralPairs,
      districtNetTransfers: period?.districtNetTransfers,
    },
    prepareSeconds: round(prepareSeconds, 0),
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    measuredAt: new Date().toISOString(),
  };
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const out = join(REPO, 'bench/results/settlement.json');
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`month close after nightly day closes: median ${result.seconds} s vs plain aggregation median ${result.plainSqlSeconds} s: ratio ${result.ratioToPlainSql}; peak RSS ${result.peakRssMb} MiB → ${out}`);
  log(`cold catch-up close: median ${result.cold.seconds} s vs ${result.cold.plainSqlSeconds} s: ratio ${result.cold.ratioToPlainSql}`);
  if (!opts.keep) {
    await dropDatabase(opts.databaseUrl);
    log('dropped the bench database');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
