import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@meal/database';
import { ORGANISATION_ENTITIES, SeedSummary, seedDemoCity } from '@meal/organisation';
import { createTestDatabase, TestDatabase } from '@meal/testing';

const SEED = 20220701;
const SCALE = 0.05;

async function withDataSource<T>(url: string, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = new DataSource(buildDataSourceOptions(url, ORGANISATION_ENTITIES, 2));
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('demo city seed (real PostgreSQL)', () => {
  let first: TestDatabase;
  let second: TestDatabase;
  let summary: SeedSummary;

  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase('orgseeda'), createTestDatabase('orgseedb')]);
    summary = await withDataSource(first.url, (ds) => seedDemoCity(ds, { seed: SEED, scale: SCALE }));
    await withDataSource(second.url, (ds) => seedDemoCity(ds, { seed: SEED, scale: SCALE }));
  });

  afterAll(async () => {
    await Promise.all([first?.drop(), second?.drop()]);
  });

  it('writes exactly the counts it reports', async () => {
    const [row] = await query<Record<string, number>>(
      first.url,
      `SELECT (SELECT count(*)::int FROM regions) AS regions, (SELECT count(*)::int FROM units) AS units,
              (SELECT count(*)::int FROM staff) AS staff, (SELECT count(*)::int FROM staff WHERE NOT active) AS inactive_staff,
              (SELECT count(*)::int FROM canteens) AS canteens, (SELECT count(*)::int FROM canteen_meal_slots) AS meal_slots,
              (SELECT count(*)::int FROM terminals) AS terminals, (SELECT count(*)::int FROM role_assignments) AS role_assignments`,
    );
    const { counts } = summary;
    expect(row).toEqual({
      regions: counts.regions,
      units: counts.units,
      staff: counts.staff,
      inactive_staff: counts.inactiveStaff,
      canteens: counts.canteens,
      meal_slots: counts.mealSlots,
      terminals: counts.terminals,
      role_assignments: counts.roleAssignments,
    });
    expect(counts.regionsByLevel.city).toBe(1);
    expect(counts.regionsByLevel.county).toBe(1);
    expect(counts.regionsByLevel.township).toBeGreaterThanOrEqual(1);
    expect(counts.canteensByLevel.city).toBeGreaterThanOrEqual(2);
    expect(counts.canteens).toBeGreaterThan(10);
    expect(counts.staff).toBeGreaterThan(100);
  });

  it('is deterministic: the same seed gives the same codes, names and ids in another database', async () => {
    const sql = `SELECT string_agg(code || ':' || name, ',' ORDER BY code) AS regions,
                        (SELECT string_agg(id || code || name || coalesce(parent_unit_id::text, ''), ',' ORDER BY code) FROM units) AS units,
                        (SELECT string_agg(code || name || latitude || longitude, ',' ORDER BY code) FROM canteens) AS canteens,
                        (SELECT md5(string_agg(external_identity_id || name || staff_number || active, ',' ORDER BY staff_number)) FROM staff) AS staff,
                        (SELECT md5(string_agg(canteen_id || slot || opens_at || visitor_price_fen, ',' ORDER BY canteen_id, slot)) FROM canteen_meal_slots) AS slots
                 FROM regions`;
    const [a] = await query<Record<string, string>>(first.url, sql);
    const [b] = await query<Record<string, string>>(second.url, sql);
    expect(a).toEqual(b);
    expect(a?.regions).toContain('330800:衢州市');
    expect(a?.regions).toContain('330802:柯城区');
  });

  it('keeps referential and business integrity', async () => {
    const [row] = await query<Record<string, number>>(
      first.url,
      `SELECT
         (SELECT count(*)::int FROM canteens c WHERE NOT EXISTS (SELECT 1 FROM terminals t WHERE t.canteen_id = c.id)) AS canteens_without_terminal,
         (SELECT count(*)::int FROM canteens c WHERE NOT EXISTS (SELECT 1 FROM canteen_meal_slots s WHERE s.canteen_id = c.id)) AS canteens_without_slot,
         (SELECT count(*)::int FROM canteens c JOIN regions r ON r.code = c.region_code WHERE r.level <> c.level) AS canteen_level_mismatch,
         (SELECT count(*)::int FROM regions c JOIN regions p ON p.code = c.parent_code
            WHERE (c.level, p.level) NOT IN (('county', 'city'), ('township', 'county'), ('village', 'township'))) AS bad_parent_levels,
         (SELECT count(*)::int FROM canteen_meal_slots WHERE staff_price_fen >= visitor_price_fen) AS staff_not_cheaper,
         (SELECT count(*)::int FROM role_assignments WHERE role = 'inspector' AND region_code IS NULL) AS inspector_without_region`,
    );
    expect(row).toEqual({
      canteens_without_terminal: 0,
      canteens_without_slot: 0,
      canteen_level_mismatch: 0,
      bad_parent_levels: 0,
      staff_not_cheaper: 0,
      inspector_without_region: 0,
    });
  });

  it('seeds the documented demo identities with their roles', async () => {
    const rows = await query<{ external_identity_id: string; role: string; region_code: string | null; unit_id: string | null }>(
      first.url,
      `SELECT s.external_identity_id, r.role, r.region_code, r.unit_id FROM role_assignments r JOIN staff s ON s.id = r.staff_id
       WHERE s.external_identity_id IN ('zzd-admin', 'zzd-inspector-city', 'zzd-settlement', 'zzd-inspector-330802') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { external_identity_id: 'zzd-admin', role: 'admin', region_code: null, unit_id: null },
      { external_identity_id: 'zzd-inspector-330802', role: 'inspector', region_code: '330802', unit_id: null },
      { external_identity_id: 'zzd-inspector-city', role: 'inspector', region_code: '330800', unit_id: null },
      { external_identity_id: 'zzd-settlement', role: 'settlement_officer', region_code: null, unit_id: null },
    ]);
    const diner = await query<{ active: boolean }>(first.url, `SELECT active FROM staff WHERE external_identity_id = 'zzd-diner-1'`);
    expect(diner).toEqual([{ active: true }]);
    expect(summary.demoIdentities.map((d) => d.externalIdentityId)).toEqual(
      expect.arrayContaining(['zzd-admin', 'zzd-inspector-city', 'zzd-settlement', 'zzd-diner-1']),
    );
  });

  it('refuses to seed a database that already has organisation data, writing nothing', async () => {
    const before = await query<{ n: number }>(first.url, `SELECT count(*)::int AS n FROM staff`);
    await expect(withDataSource(first.url, (ds) => seedDemoCity(ds, { seed: SEED + 1, scale: SCALE }))).rejects.toMatchObject({
      code: 'SEED_DATABASE_NOT_EMPTY',
    });
    expect(await query<{ n: number }>(first.url, `SELECT count(*)::int AS n FROM staff`)).toEqual(before);
  });
});
