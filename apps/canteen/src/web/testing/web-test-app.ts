import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { configureHttpApp } from '@meal/platform';
import { createServiceKeyFiles, createTestDatabase, TestDatabase } from '@meal/testing';
import { CanteenAppModule } from '../../canteen-app.module';
import { MealCodeService } from '../../meal-code/meal-code.service';
import { SCAN_CLOCK } from '../../scanning/scan.clock';

/** The ids and names the web tests log in with. */
export const WEB_FIXTURE = {
  unitId: '51000000-0000-4000-8000-000000000001',
  adminId: '52000000-0000-4000-8000-000000000001',
  canteenId: '53000000-0000-4000-8000-000000000001',
  adminLogin: 'zzd-admin',
  /** 张三 of another unit: a visitor, on official business the unit pays (公务结算). */
  visitorUnitId: '51000000-0000-4000-8000-000000000002',
  dinerId: '52000000-0000-4000-8000-000000000002',
  dinerLogin: 'zzd-diner',
  dinerName: '张三',
  visitorUnitName: '衢州市财政局',
  /** 李四, 王五 and 赵六 of the canteen's own unit (staff price). */
  ownStaffIds: ['52000000-0000-4000-8000-000000000003', '52000000-0000-4000-8000-000000000004', '52000000-0000-4000-8000-000000000005'],
  ownStaffLogins: ['zzd-diner-2', 'zzd-diner-3', 'zzd-diner-4'],
  ownStaffNames: ['李四', '王五', '赵六'],
  terminalId: '54000000-0000-4000-8000-000000000001',
  terminalCode: 'KC-C1-T1',
  canteenName: '柯城区机关食堂',
  latitude: 28.9700834,
  longitude: 118.8593421,
};

export interface WebTestApp {
  app: NestExpressApplication;
  baseUrl: string;
  db: TestDatabase;
  /** The text of the canteen's current meal code (`<publicBaseUrl>/m/<jws>`), issued at start ('' when not issued). */
  mealCodeText: string;
  /** What the service's scan clock says now (it runs from `clockStart`, at the real pace). */
  serverNow(): Date;
  close(): Promise<void>;
}

export interface WebTestAppOptions {
  /** Where the scanning clock starts (it then advances in real time); default: the real clock. */
  clockStart?: Date;
  /** Issue the canteen's meal code at start (default true; the admin page test issues it itself). */
  issueMealCode?: boolean;
  /** Extra environment, e.g. SCAN_PASS_TTL_SECONDS. */
  env?: Record<string, string>;
}

/**
 * The whole canteen service (CanteenAppModule, configured as in production) on a random port with a fresh
 * database holding 衢州市 › 柯城区, one unit, an administrator (zzd-admin) and one canteen with three slots.
 */
export async function startWebTestApp(label: string, options: WebTestAppOptions = {}): Promise<WebTestApp> {
  const db = await createTestDatabase(label);
  const keyDir = mkdtempSync(join(tmpdir(), 'meal-web-'));
  const keys = createServiceKeyFiles(keyDir);
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const f = WEB_FIXTURE;
    await client.query(`
      INSERT INTO regions (code, name, level, parent_code) VALUES ('330800', '衢州市', 'city', NULL), ('330802', '柯城区', 'county', '330800');
      INSERT INTO units (id, code, name, region_code, active) VALUES ('${f.unitId}', 'KC-GOV', '柯城区人民政府办公室', '330802', true);
      INSERT INTO staff (id, unit_id, staff_number, external_identity_id, name, active) VALUES ('${f.adminId}', '${f.unitId}', 'A1', '${f.adminLogin}', '李管理', true);
      INSERT INTO units (id, code, name, region_code, active) VALUES ('${f.visitorUnitId}', 'QZ-CZ', '${f.visitorUnitName}', '330800', true);
      INSERT INTO staff (id, unit_id, staff_number, external_identity_id, name, active) VALUES
        ('${f.dinerId}', '${f.visitorUnitId}', 'D1', '${f.dinerLogin}', '${f.dinerName}', true),
        ('${f.ownStaffIds[0]}', '${f.unitId}', 'D2', '${f.ownStaffLogins[0]}', '${f.ownStaffNames[0]}', true),
        ('${f.ownStaffIds[1]}', '${f.unitId}', 'D3', '${f.ownStaffLogins[1]}', '${f.ownStaffNames[1]}', true),
        ('${f.ownStaffIds[2]}', '${f.unitId}', 'D4', '${f.ownStaffLogins[2]}', '${f.ownStaffNames[2]}', true);
      INSERT INTO role_assignments (staff_id, role, region_code, unit_id) VALUES ('${f.adminId}', 'admin', NULL, NULL);
      INSERT INTO canteens (id, code, name, owner_unit_id, region_code, level, latitude, longitude, geofence_radius_m, active)
        VALUES ('${f.canteenId}', 'KC-C1', '${f.canteenName}', '${f.unitId}', '330802', 'county', ${f.latitude}, ${f.longitude}, 200, true);
      INSERT INTO canteen_meal_slots (canteen_id, slot, opens_at, closes_at, staff_price_fen, visitor_price_fen) VALUES
        ('${f.canteenId}', 'breakfast', '06:30', '08:30', 500, 800),
        ('${f.canteenId}', 'lunch', '11:00', '13:00', 1500, 2000),
        ('${f.canteenId}', 'dinner', '17:00', '19:00', 1200, 1850);
      INSERT INTO terminals (id, canteen_id, code, name, active) VALUES ('${f.terminalId}', '${f.canteenId}', '${f.terminalCode}', '1号机', true);
    `);
  } finally {
    await client.end();
  }
  const offsetMs = options.clockStart ? options.clockStart.getTime() - Date.now() : 0;
  const serverNow = (): Date => new Date(Date.now() + offsetMs);
  const moduleRef = await Test.createTestingModule({
    imports: [CanteenAppModule.forRoot({ DATABASE_URL: db.url, KAFKA_BROKERS: '', LOG_LEVEL: 'silent', ...keys, ...options.env })],
  })
    .overrideProvider(SCAN_CLOCK)
    .useValue({ now: serverNow })
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
  configureHttpApp(app, { title: 'canteen (web test)', description: 'browser tests' });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const issued = options.issueMealCode === false ? { text: '' } : await app.get(MealCodeService).issue(WEB_FIXTURE.canteenId);
  return {
    app,
    db,
    mealCodeText: issued.text,
    serverNow,
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await db.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
