import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MealCodeStatus } from './meal-code-status.enum';
import { MealCode } from './meal-code.entity';

/** What the meal-code feature needs of a canteen (read straight from the organisation tables). */
export interface CanteenForMealCode {
  id: string;
  code: string;
  name: string;
  level: 'city' | 'county' | 'township' | 'village';
  regionCode: string;
  latitude: number;
  longitude: number;
  geofenceRadiusM: number;
  active: boolean;
}

export interface MealSlotForPoster {
  slot: 'breakfast' | 'lunch' | 'dinner';
  /** Wall-clock "HH:MM:SS" as stored (time without time zone). */
  opensAt: string;
  closesAt: string;
  staffPriceFen: number;
  visitorPriceFen: number;
}

export interface RegionForPoster {
  code: string;
  name: string;
  level: string;
}

/** A stored version joined with whether its canteen is active (for the scan check, one query). */
export interface MealCodeWithCanteen {
  code: MealCode;
  canteenActive: boolean;
}

interface CanteenRow {
  id: string;
  code: string;
  name: string;
  level: CanteenForMealCode['level'];
  region_code: string;
  latitude: number;
  longitude: number;
  geofence_radius_m: number;
  active: boolean;
}

interface MealCodeRow {
  canteen_id: string;
  version: number;
  token: string;
  status: MealCodeStatus;
  issued_at: Date;
  superseded_at: Date | null;
  grace_until: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

const CANTEEN_COLUMNS = 'id, code, name, level, region_code, latitude, longitude, geofence_radius_m, active';
const MEAL_CODE_COLUMNS = 'canteen_id, version, token, status, issued_at, superseded_at, grace_until, revoked_at, revoked_reason';

function toCanteen(row: CanteenRow): CanteenForMealCode {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    level: row.level,
    regionCode: row.region_code,
    latitude: Number(row.latitude),
    longitude: Number(row.longitude),
    geofenceRadiusM: Number(row.geofence_radius_m),
    active: row.active,
  };
}

function toMealCode(row: MealCodeRow): MealCode {
  const code = new MealCode();
  code.canteenId = row.canteen_id;
  code.version = Number(row.version);
  code.token = row.token;
  code.status = row.status;
  code.issuedAt = row.issued_at;
  code.supersededAt = row.superseded_at;
  code.graceUntil = row.grace_until;
  code.revokedAt = row.revoked_at;
  code.revokedReason = row.revoked_reason;
  return code;
}

/** SQL of the meal-code feature: the `meal_codes` table, plus small reads of canteens, regions and meal slots. */
@Injectable()
export class MealCodeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one READ COMMITTED transaction. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  private runner(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findCanteen(canteenId: string, manager?: EntityManager): Promise<CanteenForMealCode | null> {
    const rows: CanteenRow[] = await this.runner(manager).query(`SELECT ${CANTEEN_COLUMNS} FROM canteens WHERE id = $1`, [canteenId]);
    return rows[0] ? toCanteen(rows[0]) : null;
  }

  /**
   * Locks the canteen row for the rest of the transaction (FOR NO KEY UPDATE: serialises every meal-code change
   * of that canteen, without blocking inserts that merely reference the canteen) and returns it.
   */
  async lockCanteen(manager: EntityManager, canteenId: string): Promise<CanteenForMealCode | null> {
    const rows: CanteenRow[] = await manager.query(`SELECT ${CANTEEN_COLUMNS} FROM canteens WHERE id = $1 FOR NO KEY UPDATE`, [canteenId]);
    return rows[0] ? toCanteen(rows[0]) : null;
  }

  async findActive(canteenId: string, manager?: EntityManager): Promise<MealCode | null> {
    const rows: MealCodeRow[] = await this.runner(manager).query(
      `SELECT ${MEAL_CODE_COLUMNS} FROM meal_codes WHERE canteen_id = $1 AND status = 'active'`,
      [canteenId],
    );
    return rows[0] ? toMealCode(rows[0]) : null;
  }

  async findVersion(canteenId: string, version: number, manager?: EntityManager): Promise<MealCode | null> {
    const rows: MealCodeRow[] = await this.runner(manager).query(
      `SELECT ${MEAL_CODE_COLUMNS} FROM meal_codes WHERE canteen_id = $1 AND version = $2`,
      [canteenId, version],
    );
    return rows[0] ? toMealCode(rows[0]) : null;
  }

  async findVersionWithCanteen(canteenId: string, version: number): Promise<MealCodeWithCanteen | null> {
    const rows: (MealCodeRow & { canteen_active: boolean })[] = await this.dataSource.query(
      `SELECT ${MEAL_CODE_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')}, c.active AS canteen_active
         FROM meal_codes m JOIN canteens c ON c.id = m.canteen_id
        WHERE m.canteen_id = $1 AND m.version = $2`,
      [canteenId, version],
    );
    return rows[0] ? { code: toMealCode(rows[0]), canteenActive: rows[0].canteen_active } : null;
  }

  /** Every version of a canteen, newest first. */
  async list(canteenId: string): Promise<MealCode[]> {
    const rows: MealCodeRow[] = await this.dataSource.query(
      `SELECT ${MEAL_CODE_COLUMNS} FROM meal_codes WHERE canteen_id = $1 ORDER BY version DESC`,
      [canteenId],
    );
    return rows.map(toMealCode);
  }

  async maxVersion(manager: EntityManager, canteenId: string): Promise<number> {
    const rows: { max: number | null }[] = await manager.query(`SELECT max(version) AS max FROM meal_codes WHERE canteen_id = $1`, [canteenId]);
    return Number(rows[0]?.max ?? 0);
  }

  async insertActive(manager: EntityManager, code: Pick<MealCode, 'canteenId' | 'version' | 'token' | 'issuedAt'>): Promise<MealCode> {
    const rows: MealCodeRow[] = await manager.query(
      `INSERT INTO meal_codes (canteen_id, version, token, status, issued_at) VALUES ($1, $2, $3, 'active', $4) RETURNING ${MEAL_CODE_COLUMNS}`,
      [code.canteenId, code.version, code.token, code.issuedAt],
    );
    return toMealCode(rows[0] as MealCodeRow);
  }

  /** Marks the active version (if any) superseded, working until `graceUntil`. */
  async supersedeActive(manager: EntityManager, canteenId: string, at: Date, graceUntil: Date): Promise<void> {
    await manager.query(
      `UPDATE meal_codes SET status = 'superseded', superseded_at = $2, grace_until = $3 WHERE canteen_id = $1 AND status = 'active'`,
      [canteenId, at, graceUntil],
    );
  }

  /** Revokes one version, or every not-yet-revoked version when `version` is null. Returns the revoked versions. */
  async revoke(manager: EntityManager, canteenId: string, version: number | null, at: Date, reason: string): Promise<number[]> {
    // TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affectedCount].
    const [rows]: [{ version: number }[], number] = await manager.query(
      `UPDATE meal_codes SET status = 'revoked', revoked_at = $3, revoked_reason = $4
        WHERE canteen_id = $1 AND status <> 'revoked' AND ($2::integer IS NULL OR version = $2::integer)
        RETURNING version`,
      [canteenId, version, at, reason],
    );
    return rows.map((r) => Number(r.version)).sort((a, b) => a - b);
  }

  /** The region of the canteen and its ancestors, from the city down. */
  async regionPath(regionCode: string): Promise<RegionForPoster[]> {
    const rows: (RegionForPoster & { depth: number })[] = await this.dataSource.query(
      `WITH RECURSIVE chain AS (
         SELECT code, name, level, parent_code, 0 AS depth FROM regions WHERE code = $1
         UNION ALL
         SELECT r.code, r.name, r.level, r.parent_code, c.depth + 1 FROM regions r JOIN chain c ON r.code = c.parent_code WHERE c.depth < 8
       ) SELECT code, name, level, depth FROM chain ORDER BY depth DESC`,
      [regionCode],
    );
    return rows.map(({ code, name, level }) => ({ code, name, level }));
  }

  async mealSlots(canteenId: string): Promise<MealSlotForPoster[]> {
    const rows: { slot: MealSlotForPoster['slot']; opens_at: string; closes_at: string; staff_price_fen: number; visitor_price_fen: number }[] =
      await this.dataSource.query(
        `SELECT slot, opens_at::text AS opens_at, closes_at::text AS closes_at, staff_price_fen, visitor_price_fen
           FROM canteen_meal_slots WHERE canteen_id = $1
          ORDER BY CASE slot WHEN 'breakfast' THEN 1 WHEN 'lunch' THEN 2 ELSE 3 END`,
        [canteenId],
      );
    return rows.map((r) => ({
      slot: r.slot,
      opensAt: r.opens_at,
      closesAt: r.closes_at,
      staffPriceFen: Number(r.staff_price_fen),
      visitorPriceFen: Number(r.visitor_price_fen),
    }));
  }
}
