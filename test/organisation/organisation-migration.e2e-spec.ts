import { Client } from 'pg';
import { revertMigrations, runMigrations } from '@meal/database';
import { ALL_MIGRATIONS } from '@meal/migrations';
import { createTestDatabase, TestDatabase } from '@meal/testing';

const TABLES = ['canteen_meal_slots', 'canteens', 'regions', 'role_assignments', 'staff', 'terminals', 'units'];

async function organisationTables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1) ORDER BY table_name`,
      [TABLES],
    );
    return result.rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

describe('organisation migration', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('orgmigration');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('goes up, down (with every other migration) and up again', async () => {
    expect(await organisationTables(db.url)).toEqual(TABLES);
    await revertMigrations(db.url, ALL_MIGRATIONS.length);
    expect(await organisationTables(db.url)).toEqual([]);
    const applied = await runMigrations(db.url);
    expect(applied).toContain('Organisation1763900000000');
    expect(await organisationTables(db.url)).toEqual(TABLES);
  });

  it('enforces the price caps in the database too', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO regions (code, name, level) VALUES ('330800', '衢州市', 'city')`);
      const unit = await client.query<{ id: string }>(`INSERT INTO units (code, name, region_code) VALUES ('U1', '单位', '330800') RETURNING id`);
      const canteen = await client.query<{ id: string }>(
        `INSERT INTO canteens (code, name, owner_unit_id, region_code, level, latitude, longitude, geofence_radius_m)
         VALUES ('C1', '食堂', $1, '330800', 'city', 28.97, 118.87, 100) RETURNING id`,
        [unit.rows[0]?.id],
      );
      const canteenId = canteen.rows[0]?.id;
      await expect(
        client.query(`INSERT INTO canteen_meal_slots VALUES ($1, 'breakfast', '07:00', '08:30', 1000, 2001)`, [canteenId]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'ck_canteen_meal_slots_price_cap' });
      await expect(
        client.query(`INSERT INTO canteen_meal_slots VALUES ($1, 'lunch', '11:00', '13:00', 4001, 1000)`, [canteenId]),
      ).rejects.toMatchObject({ code: '23514' });
      await client.query(`INSERT INTO canteen_meal_slots VALUES ($1, 'dinner', '17:00', '19:00', 4000, 4000)`, [canteenId]);
      await expect(
        client.query(`INSERT INTO regions (code, name, level) VALUES ('330802', '柯城区', 'county')`),
      ).rejects.toMatchObject({ code: '23514', constraint: 'ck_regions_city_has_no_parent' });
    } finally {
      await client.end();
    }
  });
});
