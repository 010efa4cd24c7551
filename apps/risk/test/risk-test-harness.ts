import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ensureKeyPairFiles, Role, TokenIssuer, TokenSubject } from '@meal/auth';
import { configureHttpApp } from '@meal/platform';
import { EventOf } from '@meal/contracts';
import { sampleMealScanned } from '@meal/contracts/event-samples';
import { createTestDatabase, testKafkaClientConfig, testKafkaConfig, TestDatabase } from '@meal/testing';
import { RiskConsumer } from '../src/evaluation/risk-consumer.service';
import { RiskAppModule } from '../src/risk-app.module';

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The organisation rows of a small city: 衢州市 with two districts, plus 杭州市 for a different city. */
export interface RiskFixture {
  unitA: { id: string; name: string };
  unitB: { id: string; name: string };
  unitHangzhou: { id: string; name: string };
  canteenA: { id: string; name: string; ownerUnitId: string; latitude: number; longitude: number };
  canteenB: { id: string; name: string; ownerUnitId: string; latitude: number; longitude: number };
  diner: { id: string; name: string; unitId: string };
}

export interface RiskHarness {
  db: TestDatabase;
  prefix: string;
  app: NestExpressApplication;
  dataSource: DataSource;
  fixture: RiskFixture;
  tokens: { admin: string; finance: string; inspectorQujiang: string; inspectorKecheng: string; inspectorCity: string; diner: string };
  /** Closes the app and boots it again on the same database, topics and consumer group. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function bootRiskApp(config: Record<string, string>): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [RiskAppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
  configureHttpApp(app, { title: 'risk (test)', description: 'risk harness' });
  await app.init();
  await app.get(RiskConsumer).ready();
  return app;
}

/** A meal.scanned of the fixture's diner at canteen A (keyed by diner, as the canteen service publishes meals). */
export function fixtureMeal(fixture: RiskFixture, overrides: Parameters<typeof sampleMealScanned>[0] = {}): EventOf<'meal.scanned', 1> {
  const event = sampleMealScanned({
    dinerId: fixture.diner.id,
    dinerUnitId: fixture.unitA.id,
    dinerRegionCode: '330803',
    canteenId: fixture.canteenA.id,
    canteenOwnerUnitId: fixture.canteenA.ownerUnitId,
    canteenRegionCode: '330802',
    scanLatitude: fixture.canteenA.latitude,
    scanLongitude: fixture.canteenA.longitude,
    distanceMeters: 5,
    ...overrides,
  });
  return { ...event, aggregateId: overrides.dinerId ?? fixture.diner.id };
}

/** The risk app's configuration for a test database: a unique topic prefix on the real broker, fresh identity keys. */
export async function riskTestConfig(db: TestDatabase): Promise<{ prefix: string; config: Record<string, string> }> {
  const prefix = `t-risk-${randomBytes(4).toString('hex')}.`;
  const keyDir = mkdtempSync(join(tmpdir(), 'risk-keys-'));
  const config = {
    DATABASE_URL: db.url,
    ...testKafkaConfig(prefix),
    LOG_LEVEL: process.env.RISK_TEST_LOG_LEVEL ?? 'silent',
    AUTH_TOKEN_TTL_SECONDS: '3600',
    AUTH_PRIVATE_KEY_FILE: join(keyDir, 'identity-private.pem'),
    AUTH_PUBLIC_KEY_FILE: join(keyDir, 'identity-public.pem'),
  };
  await ensureKeyPairFiles(config.AUTH_PRIVATE_KEY_FILE, config.AUTH_PUBLIC_KEY_FILE);
  return { prefix, config };
}

/** Deletes the topics of a test prefix on the broker (best effort). */
export async function deleteTestTopics(prefix: string): Promise<void> {
  const admin = new Kafka(testKafkaClientConfig('risk-e2e-cleanup')).admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
  } catch {
    // topics of a test prefix are harmless if left behind
  } finally {
    await admin.disconnect();
  }
}

/**
 * A fresh database, a unique topic prefix on the real broker, the risk app booted as in production, org rows.
 * `overrides`: environment variables of the service, over the harness's own (e.g. a replay limit).
 */
export async function createRiskHarness(label: string, overrides: Record<string, string> = {}): Promise<RiskHarness> {
  const db = await createTestDatabase(label);
  const { config: base } = await riskTestConfig(db);
  const config = { ...base, ...overrides };
  // overrides may name the prefix (topics provisioned beforehand, e.g. to run as risk-service under the ACLs)
  const prefix = config.KAFKA_TOPIC_PREFIX;
  let app = await bootRiskApp(config);
  const dataSource = (): DataSource => app.get<DataSource>(getDataSourceToken());
  const ds = dataSource();
  await ds.query(
    `INSERT INTO regions (code, name, level, parent_code) VALUES ('330800', '衢州市', 'city', NULL), ('330802', '柯城区', 'county', '330800'),
     ('330803', '衢江区', 'county', '330800'), ('330100', '杭州市', 'city', NULL)`,
  );
  const unit = async (name: string, region: string): Promise<{ id: string; name: string }> => {
    const [row] = (await ds.query(`INSERT INTO units (code, name, region_code) VALUES ($1, $2, $3) RETURNING id, name`, [`U-${randomBytes(4).toString('hex')}`, name, region])) as {
      id: string;
      name: string;
    }[];
    return row;
  };
  const unitA = await unit('衢江区财政局', '330803');
  const unitB = await unit('柯城区教育局', '330802');
  const unitHangzhou = await unit('杭州市财政局', '330100');
  const canteen = async (name: string, ownerUnitId: string, region: string, latitude: number, longitude: number) => {
    const [row] = (await ds.query(
      `INSERT INTO canteens (code, name, owner_unit_id, region_code, level, latitude, longitude, geofence_radius_m)
       VALUES ($1, $2, $3, $4, 'county', $5, $6, 200) RETURNING id`,
      [`C-${randomBytes(4).toString('hex')}`, name, ownerUnitId, region, latitude, longitude],
    )) as { id: string }[];
    return { id: row.id, name, ownerUnitId, latitude, longitude };
  };
  const canteenA = await canteen('柯城区机关食堂', unitB.id, '330802', 28.9700834, 118.8593421);
  const canteenB = await canteen('衢江区机关食堂', unitA.id, '330803', 28.9797, 118.9352);
  const [staff] = (await ds.query(`INSERT INTO staff (unit_id, staff_number, external_identity_id, name) VALUES ($1, 'S-1', $2, '张三') RETURNING id`, [
    unitA.id,
    `zzd-${randomUUID()}`,
  ])) as { id: string }[];

  const issuer = app.get(TokenIssuer);
  const token = (subject: Partial<TokenSubject> & { roles: Role[] }): string =>
    issuer.issue({ subject: randomUUID(), kind: 'staff', name: 'test', unitId: unitA.id, ...subject }, { ttlSeconds: 3600 }).accessToken;

  const harness: RiskHarness = {
    db,
    prefix,
    app,
    dataSource: ds,
    fixture: { unitA, unitB, unitHangzhou, canteenA, canteenB, diner: { id: staff.id, name: '张三', unitId: unitA.id } },
    tokens: {
      admin: token({ roles: [Role.Admin] }),
      finance: token({ roles: [Role.SettlementOfficer] }),
      inspectorQujiang: token({ roles: [Role.Inspector], regionCode: '330803' }),
      inspectorKecheng: token({ roles: [Role.Inspector], regionCode: '330802' }),
      inspectorCity: token({ roles: [Role.Inspector], regionCode: '330800' }),
      diner: token({ roles: [Role.Diner] }),
    },
    restart: async () => {
      await app.close();
      app = await bootRiskApp(config);
      harness.app = app;
      harness.dataSource = dataSource();
    },
    close: async () => {
      await app.close();
      await deleteTestTopics(prefix);
      await db.drop();
    },
  };
  return harness;
}
