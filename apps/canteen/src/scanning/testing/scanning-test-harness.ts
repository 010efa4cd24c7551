import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressInfo } from 'node:net';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role, TokenIssuer, TokenSubject } from '@meal/auth';
import { configureHttpApp } from '@meal/platform';
import { createServiceKeyFiles, createTestDatabase, TestDatabase } from '@meal/testing';
import { CanteenAppModule } from '../../canteen-app.module';
import { MEAL_CODE_CLOCK } from '../../meal-code/meal-code.clock';
import { MealCodeService } from '../../meal-code/meal-code.service';
import { SCAN_CLOCK, ScanClock } from '../scan.clock';
import { ScanDirectory } from '../scan-directory.service';

/**
 * Test harness of scanning and terminals — for the e2e tests here and the browser tests of the pages.
 *
 * ```ts
 * const h = await createScanningHarness({ listen: true });   // pinned at 2025-11-24 12:00 Asia/Shanghai (lunch open)
 * await fetch(`${h.baseUrl}/scans`, { method: 'POST', headers: { Authorization: `Bearer ${h.tokens.diner}`,
 *   'Idempotency-Key': 'k-12345678', 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ code: h.fixture.canteen.mealCodeText, ...h.fixture.canteen.location }) });
 * h.clock.set(new Date('2025-11-24T10:00:00Z'));            // 18:00 Shanghai: dinner
 * await h.close();
 * ```
 *
 * What it builds: a fresh PostgreSQL database with every migration; temp key files (identity and meal code); the
 * whole CanteenAppModule configured as in production (configureHttpApp), with SCAN_CLOCK and MEAL_CODE_CLOCK bound
 * to one controllable TestScanClock; region 衢州市 › 柯城区; two units (own unit 柯城区财政局, other unit 衢江区教育局);
 * canteen A (owned by the own unit, slots 06:30–08:30 / 11:00–13:00 / 17:00–19:00, staff 5/15/12 元, visitor
 * 8/20/18.50 元, radius 200 m) and canteen B (owned by the other unit); an active meal code for each; diners
 * (own staff, a visitor from the other unit, an inactive one); terminals A1, A2 (canteen A) and B (canteen B);
 * and tokens for all of them plus an admin. Tokens are signed at real time (not the pinned clock), 1 h lifetime.
 */

/** The controllable clock bound to SCAN_CLOCK and MEAL_CODE_CLOCK. */
export class TestScanClock implements ScanClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(date: Date): void {
    this.current = new Date(date.getTime());
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** 2025-11-24 12:00 in Asia/Shanghai: lunch is open at the default slots. */
export const DEFAULT_PINNED_NOW = new Date('2025-11-24T04:00:00.000Z');
export const TEST_MEAL_CODE_BASE_URL = 'https://meal.test.local';

export interface HarnessSlot {
  slot: 'breakfast' | 'lunch' | 'dinner';
  opensAt: string;
  closesAt: string;
  staffPriceFen: number;
  visitorPriceFen: number;
}

export const HARNESS_SLOTS: HarnessSlot[] = [
  { slot: 'breakfast', opensAt: '06:30', closesAt: '08:30', staffPriceFen: 500, visitorPriceFen: 800 },
  { slot: 'lunch', opensAt: '11:00', closesAt: '13:00', staffPriceFen: 1500, visitorPriceFen: 2000 },
  { slot: 'dinner', opensAt: '17:00', closesAt: '19:00', staffPriceFen: 1200, visitorPriceFen: 1850 },
];

export interface ScanningHarnessOptions {
  /** Database name label (letters/digits). */
  label?: string;
  /** Extra configuration (env names), e.g. `{ SCAN_GEOFENCE_POLICY: 'flag' }` or `{ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_TOPIC_PREFIX: 't-x.' }`. */
  config?: Record<string, string>;
  /** The pinned time (default DEFAULT_PINNED_NOW). */
  now?: Date;
  /** Listen on a random local port and expose `baseUrl` (browser tests). */
  listen?: boolean;
  /** More overrides on the testing module before compile. */
  configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

export interface HarnessDiner {
  id: string;
  name: string;
  unitId: string;
  unitName: string;
  token: string;
}

export interface HarnessTerminal {
  id: string;
  name: string;
  canteenId: string;
  token: string;
}

export interface HarnessCanteen {
  id: string;
  name: string;
  ownerUnitId: string;
  /** The QR text of its active meal code. */
  mealCodeText: string;
  /** The canteen's own coordinates: a scan from here is inside the geofence. */
  location: { latitude: number; longitude: number };
  radiusM: number;
}

export interface ScanningFixture {
  ownUnit: { id: string; name: string };
  otherUnit: { id: string; name: string };
  canteen: HarnessCanteen;
  canteenB: HarnessCanteen;
  /** Staff of the own unit (eats at canteen A at the staff price). */
  diner: HarnessDiner;
  /** Staff of the other unit (a visitor at canteen A). */
  visitor: HarnessDiner;
  inactiveDiner: HarnessDiner;
  terminal: HarnessTerminal;
  terminal2: HarnessTerminal;
  terminalB: HarnessTerminal;
  adminToken: string;
}

export interface ScanningHarness {
  app: NestExpressApplication;
  db: TestDatabase;
  dataSource: DataSource;
  clock: TestScanClock;
  issuer: TokenIssuer;
  fixture: ScanningFixture;
  /** Set when `listen` was asked for: `http://127.0.0.1:<port>`. */
  baseUrl?: string;
  /** Another diner of a unit (fresh staff row + token). */
  createDiner(unitId: string, name: string, active?: boolean): Promise<HarnessDiner>;
  /** Rows in a table (meals, outbox_events, …). */
  count(table: 'meals' | 'outbox_events' | 'terminal_confirmations', where?: string, params?: unknown[]): Promise<number>;
  /** Drop the scan path's reference-data caches (after changing org rows). */
  clearCaches(): void;
  /**
   * A second instance of the whole service on the same database, keys and clock, listening on its own port: what
   * another process (CANTEEN_WORKERS) or host would be. Closed with the harness.
   */
  startAnotherInstance(): Promise<{ app: NestExpressApplication; baseUrl: string }>;
  close(): Promise<void>;
}

async function one<T>(dataSource: DataSource, sql: string, params: unknown[]): Promise<T> {
  const rows = (await dataSource.query(sql, params)) as T[];
  if (!rows[0]) throw new Error(`no row from ${sql}`);
  return rows[0];
}

export async function createScanningHarness(options: ScanningHarnessOptions = {}): Promise<ScanningHarness> {
  const db = await createTestDatabase(options.label ?? 'scanning');
  const keyDir = mkdtempSync(join(tmpdir(), 'scanning-keys-'));
  const keys = createServiceKeyFiles(keyDir);
  const clock = new TestScanClock(options.now ?? DEFAULT_PINNED_NOW);
  const startApp = async (listen: boolean): Promise<NestExpressApplication> => {
    let builder = Test.createTestingModule({
      imports: [
        CanteenAppModule.forRoot({
          DATABASE_URL: db.url,
          DATABASE_POOL_SIZE: '20',
          KAFKA_BROKERS: '',
          KAFKA_TOPIC_PREFIX: `t-${randomBytes(4).toString('hex')}.`,
          KAFKA_EMBEDDED_BUS: `scan-${randomBytes(4).toString('hex')}`,
          LOG_LEVEL: 'silent',
          MEAL_CODE_PUBLIC_BASE_URL: TEST_MEAL_CODE_BASE_URL,
          AUTH_TOKEN_TTL_SECONDS: '3600',
          ...keys,
          ...options.config,
        }),
      ],
    })
      .overrideProvider(SCAN_CLOCK)
      .useValue(clock)
      .overrideProvider(MEAL_CODE_CLOCK)
      .useValue(clock);
    if (options.configure) builder = options.configure(builder);
    const moduleRef = await builder.compile();
    const started = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
    configureHttpApp(started, { title: 'scanning (test)', description: 'scanning harness' });
    if (listen) await started.listen(0, '127.0.0.1');
    else await started.init();
    return started;
  };
  const urlOf = (started: NestExpressApplication): string => `http://127.0.0.1:${(started.getHttpServer().address() as AddressInfo).port}`;
  const app = await startApp(options.listen ?? false);
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const issuer = app.get(TokenIssuer);
  const mealCodes = app.get(MealCodeService);
  const tokenFor = (subject: TokenSubject): string => issuer.issue(subject, { ttlSeconds: 3600 }).accessToken;

  const suffix = randomBytes(3).toString('hex');
  await dataSource.query(
    `INSERT INTO regions (code, name, level, parent_code) VALUES ('330800', '衢州市', 'city', NULL), ('330802', '柯城区', 'county', '330800'),
     ('330803', '衢江区', 'county', '330800') ON CONFLICT (code) DO NOTHING`,
  );
  const unit = async (code: string, name: string, region: string): Promise<{ id: string; name: string }> =>
    one<{ id: string; name: string }>(dataSource, `INSERT INTO units (code, name, region_code) VALUES ($1, $2, $3) RETURNING id, name`, [code, name, region]);
  const ownUnit = await unit(`U-A-${suffix}`, '柯城区财政局', '330802');
  const otherUnit = await unit(`U-B-${suffix}`, '衢江区教育局', '330803');

  const canteen = async (name: string, ownerUnitId: string, region: string, latitude: number, longitude: number): Promise<HarnessCanteen> => {
    const row = await one<{ id: string }>(
      dataSource,
      `INSERT INTO canteens (code, name, owner_unit_id, region_code, level, latitude, longitude, geofence_radius_m)
       VALUES ($1, $2, $3, $4, 'county', $5, $6, 200) RETURNING id`,
      [`C-${randomBytes(4).toString('hex')}`, name, ownerUnitId, region, latitude, longitude],
    );
    for (const s of HARNESS_SLOTS) {
      await dataSource.query(
        `INSERT INTO canteen_meal_slots (canteen_id, slot, opens_at, closes_at, staff_price_fen, visitor_price_fen) VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.id, s.slot, s.opensAt, s.closesAt, s.staffPriceFen, s.visitorPriceFen],
      );
    }
    const issued = await mealCodes.issue(row.id);
    return { id: row.id, name, ownerUnitId, mealCodeText: issued.text, location: { latitude, longitude }, radiusM: 200 };
  };
  const canteenA = await canteen('柯城区机关食堂', ownUnit.id, '330802', 28.9700834, 118.8593421);
  const canteenB = await canteen('衢江区机关食堂', otherUnit.id, '330803', 28.9797, 118.9352);

  const createDiner = async (unitId: string, name: string, active = true): Promise<HarnessDiner> => {
    const row = await one<{ id: string; unit_name: string }>(
      dataSource,
      `INSERT INTO staff (unit_id, staff_number, external_identity_id, name, active) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, (SELECT name FROM units WHERE id = $1) AS unit_name`,
      [unitId, `S-${randomBytes(4).toString('hex')}`, `zzd-${randomUUID()}`, name, active],
    );
    return { id: row.id, name, unitId, unitName: row.unit_name, token: tokenFor({ subject: row.id, kind: 'staff', roles: [Role.Diner], name, unitId }) };
  };
  const terminal = async (canteenId: string, name: string): Promise<HarnessTerminal> => {
    const row = await one<{ id: string }>(dataSource, `INSERT INTO terminals (canteen_id, code, name) VALUES ($1, $2, $3) RETURNING id`, [
      canteenId,
      `T-${randomBytes(4).toString('hex')}`,
      name,
    ]);
    return { id: row.id, name, canteenId, token: tokenFor({ subject: row.id, kind: 'terminal', roles: [Role.Terminal], name, canteenId }) };
  };

  const fixture: ScanningFixture = {
    ownUnit,
    otherUnit,
    canteen: canteenA,
    canteenB,
    diner: await createDiner(ownUnit.id, '张三'),
    visitor: await createDiner(otherUnit.id, '李四'),
    inactiveDiner: await createDiner(ownUnit.id, '王五', false),
    terminal: await terminal(canteenA.id, '一号窗口'),
    terminal2: await terminal(canteenA.id, '二号窗口'),
    terminalB: await terminal(canteenB.id, '衢江一号窗口'),
    adminToken: tokenFor({ subject: randomUUID(), kind: 'staff', roles: [Role.Admin], name: '管理员', unitId: ownUnit.id }),
  };

  const baseUrl = options.listen ? urlOf(app) : undefined;
  const others: NestExpressApplication[] = [];

  return {
    app,
    db,
    dataSource,
    clock,
    issuer,
    fixture,
    baseUrl,
    createDiner,
    count: async (table, where, params) => {
      const [row] = (await dataSource.query(`SELECT count(*)::int AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`, params ?? [])) as { n: number }[];
      return row?.n ?? 0;
    },
    clearCaches: () => app.get(ScanDirectory).clear(),
    startAnotherInstance: async () => {
      const other = await startApp(true);
      others.push(other);
      return { app: other, baseUrl: urlOf(other) };
    },
    close: async () => {
      for (const other of others) await other.close();
      await app.close();
      await db.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
