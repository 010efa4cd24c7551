import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { AuthModule, ensureKeyPairFiles, Role, TokenIssuer } from '@meal/auth';
import { ConfigModule } from '@meal/config';
import { DatabaseModule } from '@meal/database';
import { createValidationPipe, DomainExceptionFilter } from '@meal/platform';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { IdentityModule } from './identity.module';

const IDS = {
  unit: '10000000-0000-4000-8000-000000000001',
  inactiveUnit: '10000000-0000-4000-8000-000000000002',
  diner: '20000000-0000-4000-8000-000000000001',
  admin: '20000000-0000-4000-8000-000000000002',
  inspector: '20000000-0000-4000-8000-000000000003',
  settlement: '20000000-0000-4000-8000-000000000004',
  inactive: '20000000-0000-4000-8000-000000000005',
  inInactiveUnit: '20000000-0000-4000-8000-000000000006',
  canteen: '30000000-0000-4000-8000-000000000001',
  closedCanteen: '30000000-0000-4000-8000-000000000002',
  terminal: '40000000-0000-4000-8000-000000000001',
};

async function seed(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      INSERT INTO regions (code, name, level, parent_code) VALUES ('330800', '衢州市', 'city', NULL), ('330802', '柯城区', 'county', '330800');
      INSERT INTO units (id, code, name, region_code, active) VALUES
        ('${IDS.unit}', 'KC-GOV', '柯城区政府办', '330802', true),
        ('${IDS.inactiveUnit}', 'KC-OLD', '撤销的单位', '330802', false);
      INSERT INTO staff (id, unit_id, staff_number, external_identity_id, name, active) VALUES
        ('${IDS.diner}', '${IDS.unit}', 'S1', 'zzd-diner', '张三', true),
        ('${IDS.admin}', '${IDS.unit}', 'S2', 'zzd-admin', '李管理', true),
        ('${IDS.inspector}', '${IDS.unit}', 'S3', 'zzd-inspector', '王纪检', true),
        ('${IDS.settlement}', '${IDS.unit}', 'S4', 'zzd-settlement', '赵财务', true),
        ('${IDS.inactive}', '${IDS.unit}', 'S5', 'zzd-inactive', '钱离职', false),
        ('${IDS.inInactiveUnit}', '${IDS.inactiveUnit}', 'S6', 'zzd-old-unit', '孙旧', true);
      INSERT INTO role_assignments (staff_id, role, region_code, unit_id) VALUES
        ('${IDS.admin}', 'admin', NULL, NULL),
        ('${IDS.inspector}', 'inspector', '330802', NULL),
        ('${IDS.settlement}', 'settlement_officer', NULL, '${IDS.unit}');
      INSERT INTO canteens (id, code, name, owner_unit_id, region_code, level, latitude, longitude, geofence_radius_m, active) VALUES
        ('${IDS.canteen}', 'KC-C1', '柯城区机关食堂', '${IDS.unit}', '330802', 'county', 28.97, 118.87, 200, true),
        ('${IDS.closedCanteen}', 'KC-C2', '停用食堂', '${IDS.unit}', '330802', 'county', 28.97, 118.87, 200, false);
      INSERT INTO terminals (id, canteen_id, code, name, active) VALUES
        ('${IDS.terminal}', '${IDS.canteen}', 'KC-C1-T1', '1号机', true),
        (gen_random_uuid(), '${IDS.canteen}', 'KC-C1-T9', '停用机', false),
        (gen_random_uuid(), '${IDS.closedCanteen}', 'KC-C2-T1', '停用食堂机', true);
    `);
  } finally {
    await client.end();
  }
}

describe('identity: development login and /auth/me (real PostgreSQL)', () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'meal-identity-'));
  const keys = { AUTH_PRIVATE_KEY_FILE: join(keyDir, 'private.pem'), AUTH_PUBLIC_KEY_FILE: join(keyDir, 'public.pem') };
  let database: TestDatabase;
  let app: INestApplication;

  async function createApp(overrides: Record<string, string> = {}): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ DATABASE_URL: database.url, KAFKA_BROKERS: '', ...keys, AUTH_TOKEN_TTL_SECONDS: '60', ...overrides }),
        DatabaseModule.forRoot([]),
        AuthModule.forRoot(),
        IdentityModule,
      ],
    }).compile();
    const created = moduleRef.createNestApplication({ logger: false });
    created.useGlobalPipes(createValidationPipe());
    created.useGlobalFilters(new DomainExceptionFilter());
    await created.init();
    return created;
  }

  const login = (body: object, target = (): INestApplication => app) => request(target().getHttpServer()).post('/auth/dev-login').send(body);

  beforeAll(async () => {
    ensureKeyPairFiles(keys.AUTH_PRIVATE_KEY_FILE, keys.AUTH_PUBLIC_KEY_FILE);
    database = await createTestDatabase('identity');
    await seed(database.url);
    app = await createApp();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('logs a diner in: role diner, their unit, a 60 s Bearer token', async () => {
    const res = await login({ externalIdentityId: 'zzd-diner' }).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 60 });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(res.body.principal).toMatchObject({ subject: IDS.diner, kind: 'staff', roles: [Role.Diner], name: '张三', unitId: IDS.unit });
    const me = await request(app.getHttpServer()).get('/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body).toEqual(res.body.principal);
  });

  it('logs an admin in with diner + admin', async () => {
    const res = await login({ externalIdentityId: 'zzd-admin' }).expect(200);
    expect(res.body.principal.roles).toEqual([Role.Diner, Role.Admin]);
  });

  it('logs an inspector in with the jurisdiction region', async () => {
    const res = await login({ externalIdentityId: 'zzd-inspector' }).expect(200);
    expect(res.body.principal).toMatchObject({ roles: [Role.Diner, Role.Inspector], regionCode: '330802' });
  });

  it('logs a unit settlement officer in with the unit', async () => {
    const res = await login({ externalIdentityId: 'zzd-settlement' }).expect(200);
    expect(res.body.principal).toMatchObject({ roles: [Role.Diner, Role.SettlementOfficer], settlementUnitId: IDS.unit });
  });

  it('logs a terminal in with role terminal and its canteen', async () => {
    const res = await login({ terminalCode: 'KC-C1-T1' }).expect(200);
    expect(res.body.principal).toMatchObject({ subject: IDS.terminal, kind: 'terminal', roles: [Role.Terminal], canteenId: IDS.canteen, name: '1号机' });
    const me = await request(app.getHttpServer()).get('/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body.canteenId).toBe(IDS.canteen);
  });

  it.each([
    [{ externalIdentityId: 'zzd-inactive' }, 'staff member'],
    [{ externalIdentityId: 'zzd-old-unit' }, 'unit'],
    [{ terminalCode: 'KC-C1-T9' }, 'terminal'],
    [{ terminalCode: 'KC-C2-T1' }, 'canteen'],
  ])('refuses an inactive identity %j with 403 IDENTITY_INACTIVE', async (body, what) => {
    const res = await login(body).expect(403);
    expect(res.body.code).toBe('IDENTITY_INACTIVE');
    expect(res.body.message).toContain(what);
  });

  it('refuses unknown identities with 404 IDENTITY_NOT_FOUND', async () => {
    expect((await login({ externalIdentityId: 'nobody' }).expect(404)).body.code).toBe('IDENTITY_NOT_FOUND');
    expect((await login({ terminalCode: 'NO-SUCH' }).expect(404)).body.code).toBe('IDENTITY_NOT_FOUND');
  });

  it('refuses both, neither, malformed or extra fields with 400', async () => {
    expect((await login({ externalIdentityId: 'zzd-diner', terminalCode: 'KC-C1-T1' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    await login({}).expect(400);
    await login({ externalIdentityId: 42 }).expect(400);
    await login({ terminalCode: "x' OR '1'='1" }).expect(400);
    await login({ externalIdentityId: 'zzd-diner', roles: ['admin'] }).expect(400);
  });

  it('/auth/me needs a token', async () => {
    expect((await request(app.getHttpServer()).get('/auth/me').expect(401)).body.code).toBe('TOKEN_MISSING');
  });

  it('rejects a dev-login token after its expiry (clock moved past exp + tolerance)', async () => {
    const res = await login({ externalIdentityId: 'zzd-diner' }).expect(200);
    const realNow = Date.now();
    const spy = jest.spyOn(Date, 'now').mockReturnValue(realNow + (60 + 31) * 1000);
    try {
      const me = await request(app.getHttpServer()).get('/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(401);
      expect(me.body.code).toBe('TOKEN_EXPIRED');
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects a token issued with an exp in the past', async () => {
    const issued = app.get(TokenIssuer).issue(
      { subject: IDS.diner, kind: 'staff', roles: [Role.Diner], name: '张三', unitId: IDS.unit },
      { issuedAt: new Date(Date.now() - 10 * 60 * 1000) },
    );
    const me = await request(app.getHttpServer()).get('/auth/me').set('Authorization', `Bearer ${issued.accessToken}`).expect(401);
    expect(me.body.code).toBe('TOKEN_EXPIRED');
  });

  it('refuses the development login when it is disabled, before validating the body', async () => {
    const disabled = await createApp({ AUTH_DEV_LOGIN_ENABLED: 'false' });
    try {
      const res = await login({ externalIdentityId: 'zzd-diner' }, () => disabled).expect(403);
      expect(res.body.code).toBe('DEV_LOGIN_DISABLED');
      expect((await login({}, () => disabled).expect(403)).body.code).toBe('DEV_LOGIN_DISABLED');
    } finally {
      await disabled.close();
    }
  });
});
