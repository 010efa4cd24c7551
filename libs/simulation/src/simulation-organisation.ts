import { ExternalUnit } from './risk-month';

/** Anything that runs SQL (a TypeORM DataSource or EntityManager, a pg client). */
export interface SimulationSql {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Adds the organisation rows a simulated month needs beyond the seeded demo city: the other cities' regions and the
 * units whose staff are the guests of normal receptions. Idempotent.
 */
export async function insertSimulationOrganisation(sql: SimulationSql, units: readonly ExternalUnit[]): Promise<void> {
  const regions = [...new Map(units.map((u) => [u.regionCode, u.regionName])).entries()];
  await sql.query(
    `INSERT INTO regions (code, name, level, parent_code) SELECT code, name, 'city', NULL FROM unnest($1::varchar[], $2::text[]) AS r(code, name)
     ON CONFLICT (code) DO NOTHING`,
    [regions.map(([code]) => code), regions.map(([, name]) => name)],
  );
  await sql.query(
    `INSERT INTO units (id, code, name, region_code) SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::text[], $4::varchar[]) ON CONFLICT (id) DO NOTHING`,
    [units.map((u) => u.id), units.map((u) => u.code), units.map((u) => u.name), units.map((u) => u.regionCode)],
  );
}
