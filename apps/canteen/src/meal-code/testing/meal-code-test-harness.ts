import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Principal, RequestWithPrincipal, Role } from '@meal/auth';
import { ConfigModule } from '@meal/config';
import { DatabaseModule } from '@meal/database';
import { createValidationPipe, DomainExceptionFilter } from '@meal/platform';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { MEAL_CODE_CLOCK, MealCodeClock } from '../meal-code.clock';
import { MEAL_CODE_ENTITIES } from '../meal-code.entity';
import { MealCodeModule } from '../meal-code.module';
import { MealCodeOptions } from '../meal-code.options';
import { MealCodeService } from '../meal-code.service';

export const TEST_BASE_URL = 'https://meal.test.local';

/** A clock the tests set and advance. */
export class TestClock implements MealCodeClock {
  constructor(private current = new Date('2025-11-24T02:00:00.000Z')) {}
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

export const ADMIN: Principal = { subject: randomUUID(), kind: 'staff', roles: [Role.Admin], name: '管理员', tokenId: 'test-admin' };

export interface MealCodeHarness {
  app: NestExpressApplication;
  db: TestDatabase;
  dataSource: DataSource;
  service: MealCodeService;
  clock: TestClock;
  options: Pick<MealCodeOptions, 'privateKeyFile' | 'publicKeyFile' | 'publicBaseUrl'>;
  /** The principal the fake authentication middleware puts on every request (tests have no AuthGuard). */
  setPrincipal(principal: Principal): void;
  close(): Promise<void>;
}

/** A real PostgreSQL database with every migration, the meal-code module with temp key files, a controllable clock. */
export async function createMealCodeHarness(label: string, overrides: Partial<MealCodeOptions> = {}): Promise<MealCodeHarness> {
  const db = await createTestDatabase(label);
  const keyDir = mkdtempSync(join(tmpdir(), 'meal-code-keys-'));
  const options = {
    privateKeyFile: join(keyDir, 'keys', 'meal-code-private.pem'),
    publicKeyFile: join(keyDir, 'keys', 'meal-code-public.pem'),
    publicBaseUrl: TEST_BASE_URL,
    ...overrides,
  };
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ DATABASE_URL: db.url, KAFKA_BROKERS: '', DATABASE_POOL_SIZE: '16' }),
      DatabaseModule.forRoot(MEAL_CODE_ENTITIES),
      MealCodeModule.forRoot(options),
    ],
  })
    .overrideProvider(MEAL_CODE_CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  let principal: Principal = ADMIN;
  app.use((req: Request, _res: Response, next: NextFunction) => {
    (req as Request & RequestWithPrincipal).principal = principal;
    next();
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainExceptionFilter());
  await app.init();
  return {
    app,
    db,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    service: app.get(MealCodeService),
    clock,
    options,
    setPrincipal: (p) => void (principal = p),
    close: async () => {
      await app.close();
      await db.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

export interface TestSlot {
  slot: 'breakfast' | 'lunch' | 'dinner';
  opensAt: string;
  closesAt: string;
  staffPriceFen: number;
  visitorPriceFen: number;
}

export interface TestCanteenInput {
  name?: string;
  active?: boolean;
  latitude?: number;
  longitude?: number;
  radiusM?: number;
  slots?: TestSlot[];
}

export const DEFAULT_SLOTS: TestSlot[] = [
  { slot: 'breakfast', opensAt: '06:30', closesAt: '08:30', staffPriceFen: 500, visitorPriceFen: 800 },
  { slot: 'lunch', opensAt: '11:00', closesAt: '13:00', staffPriceFen: 1500, visitorPriceFen: 2000 },
  { slot: 'dinner', opensAt: '17:00', closesAt: '19:00', staffPriceFen: 1200, visitorPriceFen: 1850 },
];

/** Inserts 衢州市 › 柯城区 (once), a unit and a county-level canteen with meal slots, with plain SQL. Returns the canteen id. */
export async function insertCanteen(dataSource: DataSource, input: TestCanteenInput = {}): Promise<string> {
  await dataSource.query(
    `INSERT INTO regions (code, name, level, parent_code) VALUES ('330800', '衢州市', 'city', NULL), ('330802', '柯城区', 'county', '330800')
     ON CONFLICT (code) DO NOTHING`,
  );
  const suffix = randomUUID().slice(0, 8);
  const [unit] = (await dataSource.query(`INSERT INTO units (code, name, region_code) VALUES ($1, $2, '330802') RETURNING id`, [
    `U-${suffix}`,
    `柯城区财政局${suffix}`,
  ])) as { id: string }[];
  const [canteen] = (await dataSource.query(
    `INSERT INTO canteens (code, name, owner_unit_id, region_code, level, latitude, longitude, geofence_radius_m, active)
     VALUES ($1, $2, $3, '330802', 'county', $4, $5, $6, $7) RETURNING id`,
    [
      `C-${suffix}`,
      input.name ?? '柯城区机关食堂',
      unit?.id,
      input.latitude ?? 28.9700834,
      input.longitude ?? 118.8593421,
      input.radiusM ?? 200,
      input.active ?? true,
    ],
  )) as { id: string }[];
  const canteenId = canteen?.id;
  if (!canteenId) throw new Error('canteen insert returned no id');
  for (const s of input.slots ?? DEFAULT_SLOTS) {
    await dataSource.query(
      `INSERT INTO canteen_meal_slots (canteen_id, slot, opens_at, closes_at, staff_price_fen, visitor_price_fen) VALUES ($1, $2, $3, $4, $5, $6)`,
      [canteenId, s.slot, s.opensAt, s.closesAt, s.staffPriceFen, s.visitorPriceFen],
    );
  }
  return canteenId;
}
