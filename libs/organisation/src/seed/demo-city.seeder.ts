import { DataSource, QueryRunner } from 'typeorm';
import { RegionLevel } from '../region/region-level.enum';
import { generateDemoCity } from './demo-city.generator';
import { DemoCityData, SeedCounts, SeedOptions, SeedSummary } from './demo-city.types';
import { SeedDatabaseNotEmptyException, SeedInvalidOptionsException } from './seed.exceptions';

/** PostgreSQL allows 65,535 bind parameters per statement; stay well below. */
const MAX_PARAMETERS_PER_INSERT = 30_000;

const ORGANISATION_TABLES = ['regions', 'units', 'staff', 'canteens', 'canteen_meal_slots', 'terminals', 'role_assignments'] as const;

/**
 * Builds the demo city (Quzhou at scale 1) into an empty, migrated database in one transaction, with
 * multi-row INSERTs. Deterministic from `seed` and `scale`. Refuses (SEED_DATABASE_NOT_EMPTY, nothing
 * written) when any organisation table already has rows.
 */
export async function seedDemoCity(dataSource: DataSource, options: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const progress = options.onProgress ?? ((): void => undefined);
  if (!Number.isInteger(options.seed)) throw new SeedInvalidOptionsException(`seed must be a whole number, got ${options.seed}`);
  if (!Number.isFinite(options.scale) || options.scale <= 0 || options.scale > 200) {
    throw new SeedInvalidOptionsException(`scale must be a number in (0, 200], got ${options.scale}`);
  }
  progress(`generating demo city: seed ${options.seed}, scale ${options.scale}`);
  const data = generateDemoCity(options.seed, options.scale);
  progress(
    `generated ${data.regions.length} regions, ${data.units.length} units, ${data.staff.length} staff, ${data.canteens.length} canteens, ${data.terminals.length} terminals`,
  );

  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    // Serialises concurrent seeds; the emptiness check below then sees the final state.
    await runner.query(`LOCK TABLE ${ORGANISATION_TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    const existing = await countRows(runner);
    if (Object.values(existing).some((n) => n > 0)) throw new SeedDatabaseNotEmptyException(existing);
    await insertAll(runner, data, progress);
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
  const elapsedMs = Date.now() - started;
  progress(`seeded in ${(elapsedMs / 1000).toFixed(1)} s`);
  return {
    seed: options.seed,
    scale: options.scale,
    counts: countsOf(data),
    demoIdentities: data.demoIdentities,
    demoCanteens: data.demoCanteens,
    elapsedMs,
  };
}

async function countRows(runner: QueryRunner): Promise<Record<string, number>> {
  const sql = ORGANISATION_TABLES.map((t) => `SELECT '${t}' AS table_name, count(*)::int AS n FROM ${t}`).join(' UNION ALL ');
  const rows: { table_name: string; n: number }[] = await runner.query(sql);
  return Object.fromEntries(rows.map((r) => [r.table_name, r.n]));
}

async function insertAll(runner: QueryRunner, data: DemoCityData, progress: (message: string) => void): Promise<void> {
  // Parents before children: a region's parent comes earlier in the generated list, as does a unit's.
  await insertRows(runner, 'regions', ['code', 'name', 'level', 'parent_code'], data.regions.map((r) => [r.code, r.name, r.level, r.parentCode]), progress);
  await insertRows(
    runner,
    'units',
    ['id', 'code', 'name', 'region_code', 'parent_unit_id'],
    data.units.map((u) => [u.id, u.code, u.name, u.regionCode, u.parentUnitId]),
    progress,
  );
  await insertRows(
    runner,
    'staff',
    ['id', 'unit_id', 'staff_number', 'external_identity_id', 'name', 'active'],
    data.staff.map((s) => [s.id, s.unitId, s.staffNumber, s.externalIdentityId, s.name, s.active]),
    progress,
  );
  await insertRows(
    runner,
    'canteens',
    ['id', 'code', 'name', 'owner_unit_id', 'region_code', 'level', 'latitude', 'longitude', 'geofence_radius_m'],
    data.canteens.map((c) => [c.id, c.code, c.name, c.ownerUnitId, c.regionCode, c.level, c.latitude, c.longitude, c.geofenceRadiusM]),
    progress,
  );
  await insertRows(
    runner,
    'canteen_meal_slots',
    ['canteen_id', 'slot', 'opens_at', 'closes_at', 'staff_price_fen', 'visitor_price_fen'],
    data.mealSlots.map((m) => [m.canteenId, m.slot, m.opensAt, m.closesAt, m.staffPriceFen, m.visitorPriceFen]),
    progress,
  );
  await insertRows(runner, 'terminals', ['id', 'canteen_id', 'code', 'name'], data.terminals.map((t) => [t.id, t.canteenId, t.code, t.name]), progress);
  await insertRows(
    runner,
    'role_assignments',
    ['id', 'staff_id', 'role', 'region_code', 'unit_id'],
    data.roleAssignments.map((r) => [r.id, r.staffId, r.role, r.regionCode, r.unitId]),
    progress,
  );
}

type SqlValue = string | number | boolean | null;

/** Multi-row INSERTs in batches that stay under the bind-parameter limit. Table and column names are constants. */
async function insertRows(
  runner: QueryRunner,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
  progress: (message: string) => void,
): Promise<void> {
  const batchSize = Math.max(1, Math.floor(MAX_PARAMETERS_PER_INSERT / columns.length));
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const params: SqlValue[] = [];
    const tuples = batch.map((row) => {
      const placeholders = row.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await runner.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
  progress(`inserted ${rows.length} ${table}`);
}

function byLevel<T extends { level: RegionLevel }>(rows: readonly T[]): Record<RegionLevel, number> {
  const counts: Record<RegionLevel, number> = { [RegionLevel.City]: 0, [RegionLevel.County]: 0, [RegionLevel.Township]: 0, [RegionLevel.Village]: 0 };
  for (const row of rows) counts[row.level] += 1;
  return counts;
}

export function countsOf(data: DemoCityData): SeedCounts {
  return {
    regions: data.regions.length,
    regionsByLevel: byLevel(data.regions),
    units: data.units.length,
    staff: data.staff.length,
    inactiveStaff: data.staff.filter((s) => !s.active).length,
    canteens: data.canteens.length,
    canteensByLevel: byLevel(data.canteens),
    mealSlots: data.mealSlots.length,
    terminals: data.terminals.length,
    roleAssignments: data.roleAssignments.length,
  };
}
