import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role, TokenIssuer, TokenSubject } from '@meal/auth';
import { configureHttpApp } from '@meal/platform';
import { createServiceKeyFiles, createTestDatabase, TestDatabase } from '@meal/testing';
import { CanteenAppModule } from '../../canteen-app.module';
import { SETTLEMENT_CLOCK, SettlementClock } from '../settlement.clock';

/**
 * Test harness of settlement: the whole CanteenAppModule on a fresh database with a small city — 衢州市 with two
 * districts (柯城区 330802 with a township, 衢江区 330803) and city-level units (市本级 330800) — eight units, five
 * canteens, 20 staff per unit; settlement officers of the clearing company (no unit), of 柯城区财政局 (scope 330802)
 * and of 衢江区财政局 (scope 330803); an admin; a plain diner. The settlement clock is controllable (default: 2026-01-15
 * 10:00 Asia/Shanghai, so November and December 2025 are over). Meals are generated with SQL (generateMeals).
 */
export class TestSettlementClock implements SettlementClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(date: Date): void {
    this.current = new Date(date.getTime());
  }
}

export const SETTLEMENT_NOW = new Date('2026-01-15T02:00:00.000Z');

export interface FixtureUnit {
  id: string;
  name: string;
  regionCode: string;
  district: string;
}

export const S_UNITS: FixtureUnit[] = [
  { id: '61000000-0000-4000-8000-000000000001', name: '衢州市财政局', regionCode: '330800', district: '330800' },
  { id: '61000000-0000-4000-8000-000000000002', name: '衢州市教育局', regionCode: '330800', district: '330800' },
  { id: '61000000-0000-4000-8000-000000000003', name: '柯城区财政局', regionCode: '330802', district: '330802' },
  { id: '61000000-0000-4000-8000-000000000004', name: '柯城区人民政府办公室', regionCode: '330802', district: '330802' },
  { id: '61000000-0000-4000-8000-000000000005', name: '石梁镇人民政府', regionCode: '330802101', district: '330802' },
  { id: '61000000-0000-4000-8000-000000000006', name: '衢江区财政局', regionCode: '330803', district: '330803' },
  { id: '61000000-0000-4000-8000-000000000007', name: '衢江区卫生健康局', regionCode: '330803', district: '330803' },
  { id: '61000000-0000-4000-8000-000000000008', name: '衢州市国有资本运营有限公司', regionCode: '330800', district: '330800' },
];

/** Canteens: [id, name, owner unit index]. */
export const S_CANTEENS: [string, string, number][] = [
  ['63000000-0000-4000-8000-000000000001', '市行政中心食堂', 0],
  ['63000000-0000-4000-8000-000000000002', '柯城区机关食堂', 3],
  ['63000000-0000-4000-8000-000000000003', '石梁镇食堂', 4],
  ['63000000-0000-4000-8000-000000000004', '衢江区机关食堂', 5],
  ['63000000-0000-4000-8000-000000000005', '衢江区卫健局食堂', 6],
];

export const STAFF_PER_UNIT = 20;

export interface SettlementHarness {
  app: NestExpressApplication;
  db: TestDatabase;
  dataSource: DataSource;
  clock: TestSettlementClock;
  baseUrl?: string;
  tokens: { clearing: string; kecheng: string; qujiang: string; admin: string; diner: string };
  officers: { clearingId: string; kechengId: string; qujiangId: string };
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Inserts `perSlot` meals for each slot of each day in [from, to] with SQL (deterministic from `seed`): diners are
   * drawn from all staff, canteens from all canteens; a visitor eats unit-paid with probability `unitShare`.
   */
  generateMeals(from: string, to: string, perSlot: number, seed: number, unitShare?: number): Promise<number>;
  /** Voids `count` random meals of [from, to] (not yet voided) as POST /meals/:id/void would; returns their ids. */
  voidMeals(from: string, to: string, count: number, seed: number, payer?: 'unit' | 'self'): Promise<string[]>;
  close(): Promise<void>;
}

export async function createSettlementHarness(options: { label?: string; listen?: boolean; config?: Record<string, string> } = {}): Promise<SettlementHarness> {
  const db = await createTestDatabase(options.label ?? 'settlement');
  const keyDir = mkdtempSync(join(tmpdir(), 'settlement-keys-'));
  const keys = createServiceKeyFiles(keyDir);
  const clock = new TestSettlementClock(SETTLEMENT_NOW);
  const moduleRef = await Test.createTestingModule({
    imports: [
      CanteenAppModule.forRoot({
        DATABASE_URL: db.url,
        KAFKA_BROKERS: '',
        KAFKA_TOPIC_PREFIX: `t-${randomBytes(4).toString('hex')}.`,
        KAFKA_EMBEDDED_BUS: `settle-${randomBytes(4).toString('hex')}`,
        LOG_LEVEL: 'silent',
        AUTH_TOKEN_TTL_SECONDS: '3600',
        ...keys,
        ...options.config,
      }),
    ],
  })
    .overrideProvider(SETTLEMENT_CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
  configureHttpApp(app, { title: 'settlement (test)', description: 'settlement harness' });
  if (options.listen) await app.listen(0, '127.0.0.1');
  else await app.init();
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => (await dataSource.query(sql, params)) as T[];

  await query(`INSERT INTO regions (code, name, level, parent_code) VALUES ('330800', '衢州市', 'city', NULL), ('330802', '柯城区', 'county', '330800'),
    ('330803', '衢江区', 'county', '330800'), ('330802101', '石梁镇', 'township', '330802')`);
  for (const [i, u] of S_UNITS.entries()) {
    await query(`INSERT INTO units (id, code, name, region_code) VALUES ($1, $2, $3, $4)`, [u.id, `S-U${i + 1}`, u.name, u.regionCode]);
  }
  await query(
    `INSERT INTO staff (id, unit_id, staff_number, external_identity_id, name)
     SELECT ('62000000-0000-4000-8000-' || lpad(to_hex(u.n * 1000 + g), 12, '0'))::uuid, u.id, 'S' || g, 'zzd-s-' || u.n || '-' || g,
            (ARRAY['张','王','李','赵','刘','陈','杨','黄'])[1 + (g % 8)] || (ARRAY['伟','芳','娜','敏','静','磊','强','军'])[1 + ((g * 3 + u.n) % 8)] || g
     FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM units) u, generate_series(1, $1::int) g`,
    [STAFF_PER_UNIT],
  );
  for (const [id, name, owner] of S_CANTEENS) {
    const unit = S_UNITS[owner] as FixtureUnit;
    await query(
      `INSERT INTO canteens (id, code, name, owner_unit_id, region_code, level, latitude, longitude, geofence_radius_m) VALUES ($1, $2, $3, $4, $5, $6, 28.97, 118.86, 200)`,
      [id, `S-C${id.slice(-1)}`, name, unit.id, unit.regionCode, unit.regionCode.length > 6 ? 'township' : unit.regionCode === '330800' ? 'city' : 'county'],
    );
  }
  const person = async (unitIndex: number, login: string, name: string, role?: string, roleUnit?: string | null): Promise<string> => {
    const [row] = await query<{ id: string }>(
      `INSERT INTO staff (unit_id, staff_number, external_identity_id, name) VALUES ($1, $2, $3, $4) RETURNING id`,
      [S_UNITS[unitIndex]!.id, login.toUpperCase().slice(0, 32), login, name],
    );
    if (role) await query(`INSERT INTO role_assignments (staff_id, role, unit_id) VALUES ($1, $2, $3)`, [row!.id, role, roleUnit ?? null]);
    return row!.id;
  };
  const clearingId = await person(7, 'zzd-settlement', '钱结算', 'settlement_officer', null);
  const kechengId = await person(2, 'zzd-settlement-330802', '孙会计', 'settlement_officer', S_UNITS[2]!.id);
  const qujiangId = await person(5, 'zzd-settlement-330803', '周会计', 'settlement_officer', S_UNITS[5]!.id);
  const adminId = await person(0, 'zzd-admin', '李管理', 'admin', null);
  const dinerId = await person(1, 'zzd-diner-1', '吴用餐');

  const issuer = app.get(TokenIssuer);
  const token = (subject: TokenSubject): string => issuer.issue(subject, { ttlSeconds: 3600 }).accessToken;
  const tokens = {
    clearing: token({ subject: clearingId, kind: 'staff', roles: [Role.Diner, Role.SettlementOfficer], name: '钱结算', unitId: S_UNITS[7]!.id }),
    kecheng: token({ subject: kechengId, kind: 'staff', roles: [Role.Diner, Role.SettlementOfficer], name: '孙会计', unitId: S_UNITS[2]!.id, settlementUnitId: S_UNITS[2]!.id }),
    qujiang: token({ subject: qujiangId, kind: 'staff', roles: [Role.Diner, Role.SettlementOfficer], name: '周会计', unitId: S_UNITS[5]!.id, settlementUnitId: S_UNITS[5]!.id }),
    admin: token({ subject: adminId, kind: 'staff', roles: [Role.Diner, Role.Admin], name: '李管理', unitId: S_UNITS[0]!.id }),
    diner: token({ subject: dinerId, kind: 'staff', roles: [Role.Diner], name: '吴用餐', unitId: S_UNITS[1]!.id }),
  };

  const generateMeals = async (from: string, to: string, perSlot: number, seed: number, unitShare = 0.6): Promise<number> => {
    // Diner i of a (day, slot) is the i-th staff member in a seeded order: one meal per diner and slot, as the index requires.
    const [row] = await query<{ n: string }>(
      `WITH diners AS (
         SELECT s.id, s.unit_id, row_number() OVER (ORDER BY md5(s.id::text || $4)) AS k FROM staff s WHERE s.staff_number LIKE 'S%'
       ), canteens_ AS (
         SELECT c.id, c.owner_unit_id, row_number() OVER (ORDER BY c.id) AS k, count(*) OVER () AS total FROM canteens c
       ), slots AS (
         SELECT * FROM (VALUES ('breakfast', 1, 2000, '00:30'::interval), ('lunch', 2, 4000, '04:00'::interval), ('dinner', 3, 4000, '10:00'::interval)) v(slot, n, cap, at)
       ), meals_ AS (
         SELECT d::date AS meal_date, sl.slot, sl.cap, sl.at, i, dn.id AS diner_id, dn.unit_id AS diner_unit_id,
                abs(hashtext(d::text || sl.slot || i || $4)) AS h
         FROM generate_series($1::date, $2::date, interval '1 day') d CROSS JOIN slots sl CROSS JOIN generate_series(1, $3::int) i
         JOIN diners dn ON dn.k = (abs(hashtext(d::text || sl.slot || $4)) + i) % (SELECT count(*) FROM diners) + 1
       ), inserted AS (
         INSERT INTO meals (id, diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date, slot, price_fen, payer, is_visitor, purpose,
           scanned_at, scan_latitude, scan_longitude, distance_m, within_geofence, code_version, idempotency_key, request_hash, status, verified_at,
           verified_by_terminal_id)
         SELECT gen_random_uuid(), m.diner_id, m.diner_unit_id, c.id, c.owner_unit_id, m.meal_date, m.slot, 300 + (m.h % (m.cap - 299)),
                CASE WHEN c.owner_unit_id <> m.diner_unit_id AND (m.h % 1000) < $5::float8 * 1000 THEN 'unit' ELSE 'self' END,
                c.owner_unit_id <> m.diner_unit_id, CASE WHEN c.owner_unit_id <> m.diner_unit_id AND (m.h % 1000) < $5::float8 * 1000 THEN 'official' ELSE 'personal' END,
                (m.meal_date::timestamp + m.at + (m.i || ' seconds')::interval) AT TIME ZONE 'UTC', 28.97, 118.86, 10, true, 1,
                'gen-' || md5(m.meal_date::text || m.slot || m.i || $4), 'h', 'issued', NULL, NULL
         FROM meals_ m JOIN canteens_ c ON c.k = (m.h / 7) % c.total + 1
         RETURNING 1
       )
       SELECT count(*) AS n FROM inserted`,
      [from, to, perSlot, String(seed), unitShare],
    );
    return Number(row?.n ?? 0);
  };

  const voidMeals = async (from: string, to: string, count: number, seed: number, payer?: 'unit' | 'self'): Promise<string[]> => {
    const rows = await query<{ id: string }>(
      `WITH v AS (
         UPDATE meals SET status = 'voided', voided_at = now(), void_reason = '测试作废', void_idempotency_key = 'void-' || left(md5(id::text), 12)
         WHERE id IN (SELECT id FROM meals WHERE meal_date BETWEEN $1 AND $2 AND status <> 'voided' AND ($5::text IS NULL OR payer = $5)
                      ORDER BY md5(id::text || $4) LIMIT $3)
         RETURNING id
       ) SELECT id FROM v`,
      [from, to, count, String(seed), payer ?? null],
    );
    return rows.map((r) => r.id);
  };

  let baseUrl: string | undefined;
  if (options.listen) {
    const address = app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    app,
    db,
    dataSource,
    clock,
    baseUrl,
    tokens,
    officers: { clearingId, kechengId, qujiangId },
    query,
    generateMeals,
    voidMeals,
    close: async () => {
      await app.close();
      await db.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
