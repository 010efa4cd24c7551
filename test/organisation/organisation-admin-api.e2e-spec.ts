import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import { ConfigModule } from '@meal/config';
import { DatabaseModule } from '@meal/database';
import { ORGANISATION_ENTITIES } from '@meal/organisation';
import { createValidationPipe, DomainExceptionFilter } from '@meal/platform';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { OrganisationAdminModule } from '../../apps/canteen/src/organisation/organisation-admin.module';

interface ErrorResponse {
  statusCode: number;
  code: string;
  message: string;
  details: { field?: string; message: string }[];
}

const slots = () => [
  { slot: 'breakfast', opensAt: '07:00', closesAt: '08:30', staffPriceFen: 500, visitorPriceFen: 1000 },
  { slot: 'lunch', opensAt: '11:00', closesAt: '13:00', staffPriceFen: 1500, visitorPriceFen: 2500 },
];

describe('organisation admin API (HTTP, real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let pg: Client;
  let unitId: string;

  const http = () => request(app.getHttpServer());
  const count = async (table: string): Promise<number> => Number((await pg.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
  const fields = (body: ErrorResponse): (string | undefined)[] => body.details.map((d) => d.field);
  const canteenBody = (overrides: Record<string, unknown> = {}) => ({
    code: 'C-TEST-01',
    name: '柯城区机关食堂',
    ownerUnitId: unitId,
    regionCode: '330802',
    latitude: 28.97,
    longitude: 118.87,
    geofenceRadiusM: 150,
    slots: slots(),
    ...overrides,
  });

  beforeAll(async () => {
    db = await createTestDatabase('orgapi');
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ DATABASE_URL: db.url, KAFKA_BROKERS: '' }), DatabaseModule.forRoot(ORGANISATION_ENTITIES), OrganisationAdminModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new DomainExceptionFilter());
    await app.init();
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    await http().post('/regions').send({ code: '330800', name: '衢州市', level: 'city' }).expect(201);
    await http().post('/regions').send({ code: '330802', name: '柯城区', level: 'county', parentCode: '330800' }).expect(201);
    const unit = await http().post('/units').send({ code: 'U-330802-001', name: '柯城区人民政府', regionCode: '330802' }).expect(201);
    unitId = unit.body.id;
  });

  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await db?.drop();
  });

  it('describes every route in OpenAPI with a tag and a summary', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      (['get', 'post', 'patch', 'delete'] as const).flatMap((method) => (item[method] ? [{ path, method, op: item[method] }] : [])),
    );
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const { op } of operations) {
      expect(op?.tags?.length).toBeGreaterThan(0);
      expect(op?.summary).toBeTruthy();
    }
  });

  describe('regions', () => {
    it('refuses a parent of the wrong level with 400 naming parentCode', async () => {
      const res = await http().post('/regions').send({ code: '330800001', name: '错乡', level: 'township', parentCode: '330800' }).expect(400);
      expect(res.body.code).toBe('REGION_INVALID_PLACEMENT');
      expect(fields(res.body)).toEqual(['parentCode']);
    });

    it('answers 409 naming code for a duplicate region code', async () => {
      const res = await http().post('/regions').send({ code: '330802', name: '柯城区', level: 'county', parentCode: '330800' }).expect(409);
      expect(fields(res.body)).toEqual(['code']);
    });

    it('lists children and pages', async () => {
      const children = await http().get('/regions/330800/children').expect(200);
      expect(children.body.map((r: { code: string }) => r.code)).toEqual(['330802']);
      const page = await http().get('/regions?level=county&active=true&page=1&pageSize=10').expect(200);
      expect(page.body).toMatchObject({ total: 1, page: 1, pageSize: 10 });
      const tooBig = await http().get('/regions?pageSize=201').expect(400);
      expect(fields(tooBig.body)).toContain('pageSize');
      await http().get('/regions/999999').expect(404);
    });
  });

  describe('canteens', () => {
    let canteenId: string;

    it('creates a canteen with its slots', async () => {
      const res = await http().post('/canteens').send(canteenBody()).expect(201);
      canteenId = res.body.id;
      expect(res.body).toMatchObject({ code: 'C-TEST-01', level: 'county', regionCode: '330802', active: true, geofenceRadiusM: 150 });
      expect(res.body.slots).toEqual(slots());
      const got = await http().get(`/canteens/${canteenId}`).expect(200);
      expect(got.body.slots).toEqual(slots());
      const list = await http().get('/canteens?regionCode=330802&level=county').expect(200);
      expect(list.body.total).toBe(1);
      expect(list.body.items[0].slots).toHaveLength(2);
    });

    it('refuses an unknown region naming regionCode, writing nothing', async () => {
      const before = [await count('canteens'), await count('canteen_meal_slots')];
      const res = await http().post('/canteens').send(canteenBody({ code: 'C-TEST-02', regionCode: '330899' })).expect(400);
      expect(res.body.code).toBe('REGION_NOT_FOUND');
      expect(fields(res.body)).toEqual(['regionCode']);
      expect([await count('canteens'), await count('canteen_meal_slots')]).toEqual(before);
    });

    it('refuses a price over the cap with 400 naming the slot field and the cap, writing nothing', async () => {
      const before = [await count('canteens'), await count('canteen_meal_slots')];
      const overCap = slots();
      overCap[1] = { ...overCap[1]!, visitorPriceFen: 4001 };
      const res = await http().post('/canteens').send(canteenBody({ code: 'C-TEST-03', slots: overCap })).expect(400);
      const body = res.body as ErrorResponse;
      expect(body.code).toBe('CANTEEN_INVALID_SLOTS');
      expect(fields(body)).toEqual(['slots.1.visitorPriceFen']);
      expect(body.details[0]?.message).toContain('午餐价格不得超过 40.00 元');
      expect([await count('canteens'), await count('canteen_meal_slots')]).toEqual(before);
    });

    it('answers 409 naming code for a duplicate canteen code, writing nothing', async () => {
      const before = [await count('canteens'), await count('canteen_meal_slots')];
      const res = await http().post('/canteens').send(canteenBody()).expect(409);
      expect(res.body.code).toBe('CANTEEN_CODE_TAKEN');
      expect(fields(res.body)).toEqual(['code']);
      expect([await count('canteens'), await count('canteen_meal_slots')]).toEqual(before);
    });

    it('refuses unknown fields, wrong types and bad coordinates with 400 naming the field', async () => {
      const before = await count('canteens');
      const unknown = await http().post('/canteens').send(canteenBody({ code: 'C-TEST-04', colour: 'red' })).expect(400);
      expect(fields(unknown.body)).toContain('colour');
      const wrongType = await http().post('/canteens').send(canteenBody({ code: 'C-TEST-05', geofenceRadiusM: '150' })).expect(400);
      expect(fields(wrongType.body)).toContain('geofenceRadiusM');
      const nestedType = await http()
        .post('/canteens')
        .send(canteenBody({ code: 'C-TEST-06', slots: [{ ...slots()[0], staffPriceFen: 5.5 }] }))
        .expect(400);
      expect(fields(nestedType.body)).toContain('slots.0.staffPriceFen');
      const coords = await http().post('/canteens').send(canteenBody({ code: 'C-TEST-07', latitude: 91, longitude: -181 })).expect(400);
      expect(fields(coords.body)).toEqual(expect.arrayContaining(['latitude', 'longitude']));
      const badTime = await http()
        .post('/canteens')
        .send(canteenBody({ code: 'C-TEST-08', slots: [{ ...slots()[1], opensAt: '13:00', closesAt: '11:00' }] }))
        .expect(400);
      expect(fields(badTime.body)).toEqual(['slots.0.closesAt']);
      const wrongLevel = await http().post('/canteens').send(canteenBody({ code: 'C-TEST-09', level: 'village' })).expect(400);
      expect(fields(wrongLevel.body)).toEqual(['level']);
      expect(await count('canteens')).toBe(before);
    });

    it('updates fields and replaces slots atomically', async () => {
      const res = await http()
        .patch(`/canteens/${canteenId}`)
        .send({ name: '柯城区行政中心食堂', geofenceRadiusM: 200, slots: [{ slot: 'lunch', opensAt: '11:30', closesAt: '13:00', staffPriceFen: 1200, visitorPriceFen: 4000 }] })
        .expect(200);
      expect(res.body).toMatchObject({ name: '柯城区行政中心食堂', geofenceRadiusM: 200 });
      expect(res.body.slots).toEqual([{ slot: 'lunch', opensAt: '11:30', closesAt: '13:00', staffPriceFen: 1200, visitorPriceFen: 4000 }]);
    });

    it('leaves the canteen untouched when an update fails', async () => {
      const before = (await http().get(`/canteens/${canteenId}`).expect(200)).body;
      const res = await http()
        .patch(`/canteens/${canteenId}`)
        .send({ name: '不应保存', slots: [{ slot: 'breakfast', opensAt: '07:00', closesAt: '08:00', staffPriceFen: 100, visitorPriceFen: 2500 }] })
        .expect(400);
      expect(fields(res.body)).toEqual(['slots.0.visitorPriceFen']);
      const unknownOwner = await http().patch(`/canteens/${canteenId}`).send({ name: '不应保存', ownerUnitId: '00000000-0000-4000-8000-000000000000' }).expect(400);
      expect(fields(unknownOwner.body)).toEqual(['ownerUnitId']);
      expect((await http().get(`/canteens/${canteenId}`).expect(200)).body).toEqual(before);
    });

    it('deactivates without deleting', async () => {
      const res = await http().post(`/canteens/${canteenId}/deactivate`).expect(200);
      expect(res.body.active).toBe(false);
      expect((await http().get(`/canteens?active=false`).expect(200)).body.total).toBe(1);
      expect(await count('canteens')).toBe(1);
      await http().get('/canteens/00000000-0000-4000-8000-000000000000').expect(404);
      await http().get('/canteens/not-a-uuid').expect(400);
    });
  });

  describe('units, staff, terminals and role assignments', () => {
    it('runs a full admin flow', async () => {
      const unit = await http().post('/units').send({ code: 'U-330802-002', name: '柯城区财政局', regionCode: '330802', parentUnitId: unitId }).expect(201);
      await http().post('/units').send({ code: 'U-330802-002', name: '重复', regionCode: '330802' }).expect(409);
      const cycle = await http().patch(`/units/${unitId}`).send({ parentUnitId: unit.body.id }).expect(400);
      expect(fields(cycle.body)).toEqual(['parentUnitId']);

      const staff = await http()
        .post('/staff')
        .send({ unitId: unit.body.id, staffNumber: 'S001', externalIdentityId: 'zzd-test-1', name: '王伟' })
        .expect(201);
      const dup = await http().post('/staff').send({ unitId: unit.body.id, staffNumber: 'S002', externalIdentityId: 'zzd-test-1', name: '李娜' }).expect(409);
      expect(fields(dup.body)).toEqual(['externalIdentityId']);
      const found = await http().get('/staff?externalIdentityId=zzd-test-1').expect(200);
      expect(found.body.items[0].id).toBe(staff.body.id);
      await http().patch(`/staff/${staff.body.id}`).send({ name: '王伟民' }).expect(200);

      const noRegion = await http().post('/role-assignments').send({ staffId: staff.body.id, role: 'inspector' }).expect(400);
      expect(fields(noRegion.body)).toEqual(['regionCode']);
      const inspector = await http().post('/role-assignments').send({ staffId: staff.body.id, role: 'inspector', regionCode: '330802' }).expect(201);
      await http().post('/role-assignments').send({ staffId: staff.body.id, role: 'inspector', regionCode: '330800' }).expect(409);
      const badRole = await http().post('/role-assignments').send({ staffId: staff.body.id, role: 'diner' }).expect(400);
      expect(fields(badRole.body)).toEqual(['role']);
      await http().delete(`/role-assignments/${inspector.body.id}`).expect(204);
      await http().delete(`/role-assignments/${inspector.body.id}`).expect(404);

      const canteen = await http().post('/canteens').send(canteenBody({ code: 'C-TEST-10', ownerUnitId: unit.body.id })).expect(201);
      const terminal = await http().post('/terminals').send({ canteenId: canteen.body.id, code: 'T-C-TEST-10-1', name: '1 号终端' }).expect(201);
      await http().post('/terminals').send({ canteenId: canteen.body.id, code: 'T-C-TEST-10-1', name: '重复' }).expect(409);
      expect((await http().post(`/terminals/${terminal.body.id}/deactivate`).expect(200)).body.active).toBe(false);

      expect((await http().post(`/staff/${staff.body.id}/deactivate`).expect(200)).body.active).toBe(false);
      const inactive = await http().post('/role-assignments').send({ staffId: staff.body.id, role: 'admin' }).expect(400);
      expect(fields(inactive.body)).toEqual(['staffId']);
      expect((await http().post(`/units/${unit.body.id}/deactivate`).expect(200)).body.active).toBe(false);
      const counts = await http().get('/regions/330800/subtree-count').expect(200);
      expect(counts.body).toMatchObject({ code: '330800', descendantsByLevel: { county: 1 }, units: 2, canteens: 2 });
    });
  });
});
