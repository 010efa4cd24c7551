import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, dropDatabase, ensureDatabase, runMigrations } from '@meal/database';
import { seedDemoCity } from '@meal/organisation';

/** A bench diner: a deterministic id so the pgbench script can compute it from an integer (see benchDinerId). */
export interface BenchDiner {
  n: number;
  id: string;
  unitId: string;
  name: string;
}

export interface BenchCanteen {
  id: string;
  ownerUnitId: string;
  latitude: number;
  longitude: number;
  geofenceRadiusM: number;
}

/** `00000000-0000-4000-8000-<n as 12 hex digits>`: the same expression is used in bench/scan-transaction.sql. */
export function benchDinerId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export interface PrepareOptions {
  seed: number;
  scale: number;
  /** Extra active diners added with SQL (ids from benchDinerId(1..n)). */
  benchDiners: number;
  log: (message: string) => void;
}

/**
 * Fresh database: drop, create, migrate, seed the demo city, add bench diners, and open the lunch slot of every
 * active canteen all day (Asia/Shanghai) so a scan finds an open slot whatever the wall clock says. Breakfast and
 * dinner rows of those canteens are removed so exactly one slot is open (price caps stay as seeded).
 */
export async function prepareDatabase(url: string, options: PrepareOptions): Promise<{ canteens: BenchCanteen[]; diners: BenchDiner[]; adminStaffId: string }> {
  const { log } = options;
  await dropDatabase(url);
  await ensureDatabase(url);
  const applied = await runMigrations(url);
  log(`migrated: ${applied.join(', ')}`);
  const dataSource = new DataSource(buildDataSourceOptions(url, [], 4));
  await dataSource.initialize();
  try {
    const summary = await seedDemoCity(dataSource, { seed: options.seed, scale: options.scale });
    log(`seeded scale ${options.scale}: ${summary.counts.staff} staff, ${summary.counts.canteens} canteens in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  } finally {
    await dataSource.destroy();
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO staff (id, unit_id, staff_number, external_identity_id, name, active)
       SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
              u.ids[1 + (g * 7919) % array_length(u.ids, 1)],
              'BENCH' || g, 'bench-diner-' || g, '压测' || g, true
       FROM generate_series(1, $1::int) AS g, (SELECT array_agg(id ORDER BY id) AS ids FROM units WHERE active) AS u`,
      [options.benchDiners],
    );
    const canteenRows = await client.query<{ id: string; owner_unit_id: string; latitude: number; longitude: number; geofence_radius_m: number }>(
      `SELECT c.id, c.owner_unit_id, c.latitude, c.longitude, c.geofence_radius_m
       FROM canteens c JOIN canteen_meal_slots s ON s.canteen_id = c.id AND s.slot = 'lunch'
       WHERE c.active ORDER BY c.id`,
    );
    const ids = canteenRows.rows.map((r) => r.id);
    await client.query(`DELETE FROM canteen_meal_slots WHERE canteen_id = ANY($1::uuid[]) AND slot <> 'lunch'`, [ids]);
    await client.query(`UPDATE canteen_meal_slots SET opens_at = '00:00:00', closes_at = '23:59:59' WHERE canteen_id = ANY($1::uuid[]) AND slot = 'lunch'`, [ids]);
    const diners = await client.query<{ id: string; unit_id: string; name: string }>(`SELECT id, unit_id, name FROM staff WHERE staff_number LIKE 'BENCH%' ORDER BY id`);
    const admin = await client.query<{ staff_id: string }>(`SELECT staff_id FROM role_assignments WHERE role = 'admin' LIMIT 1`);
    await client.query('VACUUM ANALYZE');
    log(`bench data: ${diners.rowCount} bench diners, ${ids.length} canteens with lunch open 00:00–23:59:59 Asia/Shanghai`);
    return {
      canteens: canteenRows.rows.map((r) => ({ id: r.id, ownerUnitId: r.owner_unit_id, latitude: r.latitude, longitude: r.longitude, geofenceRadiusM: r.geofence_radius_m })),
      diners: diners.rows.map((r) => ({ n: parseInt(r.id.slice(24), 16), id: r.id, unitId: r.unit_id, name: r.name })),
      adminStaffId: admin.rows[0]?.staff_id ?? benchDinerId(1),
    };
  } finally {
    await client.end();
  }
}

/** Between runs: forget the meals (and their outbox rows) so the same diners can scan again; vacuum and checkpoint. */
export async function resetMeals(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('TRUNCATE meals, outbox_events');
    await client.query('VACUUM ANALYZE meals, outbox_events');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

export async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
