import { AllowanceClaimV1, MealScannedV1, MealSlot, MealVoidedV1, ReceptionRecordV1 } from '@meal/contracts';
import { CanteenFlow, CanteenInfo, ClaimFact, MealFact, ReceptionFact, RiskContext, StaffInfo, UnitInfo } from './fact.types';

/** Anything that runs SQL: an EntityManager (in the event's transaction), a DataSource or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

const MEAL_COLUMNS = `meal_id AS "mealId", event_id AS "eventId", diner_id AS "dinerId", diner_unit_id AS "dinerUnitId",
  diner_region_code AS "dinerRegionCode", canteen_id AS "canteenId", canteen_owner_unit_id AS "canteenOwnerUnitId",
  canteen_region_code AS "canteenRegionCode", slot, to_char(meal_date, 'YYYY-MM-DD') AS "mealDate",
  to_char(scanned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "scannedAt", price_fen::float8 AS "priceFen", payer,
  payment_kind AS "paymentKind", scan_latitude AS "scanLatitude", scan_longitude AS "scanLongitude", distance_meters AS "distanceMeters",
  within_geofence AS "withinGeofence", to_char(voided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "voidedAt"`;

const CLAIM_COLUMNS = `claim_id AS "claimId", event_id AS "eventId", diner_id AS "dinerId", diner_unit_id AS "dinerUnitId",
  to_char(trip_start, 'YYYY-MM-DD') AS "tripStart", to_char(trip_end, 'YYYY-MM-DD') AS "tripEnd",
  destination_region_code AS "destinationRegionCode", days, allowance_fen::float8 AS "allowanceFen", status,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt"`;

const RECEPTION_COLUMNS = `record_id AS "recordId", event_id AS "eventId", host_unit_id AS "hostUnitId", guest_unit_ids AS "guestUnitIds",
  to_char(date, 'YYYY-MM-DD') AS date, headcount, amount_fen::float8 AS "amountFen", official_letter_ref AS "officialLetterRef", place,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt"`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Organisation rows cached across FactRepository instances (the live path keeps them for a minute). */
export interface OrganisationCache {
  canteens: Map<string, CanteenInfo | undefined>;
  units: Map<string, UnitInfo | undefined>;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const shanghaiDay = (instant: string): string => new Date(Date.parse(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
const plusDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** A diner's non-voided meals with meal dates in [from, to], read once and reused by several model questions. */
interface DinerWindow {
  from: string;
  to: string;
  meals: MealFact[];
}

/** Writes the facts consumed events carry, and reads them back for the models (SQL only here). */
export class FactRepository implements RiskContext {
  private readonly canteens: Map<string, CanteenInfo | undefined>;
  private readonly units: Map<string, UnitInfo | undefined>;
  private readonly staffs = new Map<string, StaffInfo | undefined>();
  /**
   * Per diner, the meals of the days around the last question (one query answers the slot, the 12-hour scan window
   * and the unit-paid questions of a trigger). Dropped when the diner's facts change, so a later event of the batch
   * sees its own writes. Assumes a meal's date is within a day of the Asia/Shanghai date of its scan.
   */
  private readonly dinerWindows = new Map<string, DinerWindow>();

  constructor(
    private readonly sql: SqlRunner,
    shared?: OrganisationCache,
  ) {
    this.canteens = shared?.canteens ?? new Map();
    this.units = shared?.units ?? new Map();
  }

  /** Non-voided meals of a diner with meal dates in [from, to], from the window when it covers them. */
  private async dinerMeals(dinerId: string, from: string, to: string): Promise<MealFact[]> {
    let window = this.dinerWindows.get(dinerId);
    if (!window || window.from > from || window.to < to) {
      const [wFrom, wTo] = [plusDays(from, -2), plusDays(to, 2)];
      const meals = await this.rows<MealFact>(
        `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_id = $1 AND meal_date BETWEEN $2 AND $3 AND voided_at IS NULL ORDER BY scanned_at, meal_id`,
        [dinerId, wFrom, wTo],
      );
      window = { from: wFrom, to: wTo, meals };
      this.dinerWindows.set(dinerId, window);
    }
    return window.meals.filter((m) => m.mealDate >= from && m.mealDate <= to);
  }

  private async rows<T>(text: string, params: unknown[]): Promise<T[]> {
    return (await this.sql.query(text, params)) as T[];
  }

  /** Serialises the work on one key (a diner, the reception graph) until the transaction ends. */
  async lock(key: string): Promise<void> {
    await this.sql.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`risk:${key}`]);
  }

  /**
   * Serialises the work on many keys until the transaction ends, taking the locks in one fixed order (by hash) so two
   * batches sharing keys wait for each other instead of deadlocking.
   */
  async lockAll(keys: Iterable<string>): Promise<void> {
    const unique = [...new Set(keys)].map((k) => `risk:${k}`);
    if (unique.length === 0) return;
    if (unique.length === 1) return this.lock(unique[0].slice('risk:'.length));
    await this.sql.query(
      `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k) AS keys ORDER BY h`,
      [unique],
    );
  }

  /** Upserts a scanned meal (idempotent); a void that arrived first is applied. Returns the stored fact. */
  async upsertMeal(eventId: string, p: MealScannedV1): Promise<MealFact> {
    this.dinerWindows.delete(p.dinerId);
    const [row] = await this.rows<MealFact>(
      `INSERT INTO risk_meal_facts (meal_id, event_id, diner_id, diner_unit_id, diner_region_code, canteen_id, canteen_owner_unit_id,
         canteen_region_code, slot, meal_date, scanned_at, price_fen, payer, payment_kind, scan_latitude, scan_longitude, distance_meters,
         within_geofence, voided_at, void_event_id)
       SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::varchar, $6::text, $7::text, $8::varchar, $9::text, $10::date, $11::timestamptz,
         $12::bigint, $13::text, $14::text, $15::float8, $16::float8, $17::float8, $18::boolean, v.voided_at, v.event_id
       FROM (SELECT 1) AS one LEFT JOIN risk_meal_voids v ON v.meal_id = $1::uuid
       ON CONFLICT (meal_id) DO UPDATE SET meal_id = EXCLUDED.meal_id
       RETURNING ${MEAL_COLUMNS}`,
      [
        p.mealId, eventId, p.dinerId, p.dinerUnitId, p.dinerRegionCode, p.canteenId, p.canteenOwnerUnitId, p.canteenRegionCode, p.slot,
        p.mealDate, p.scannedAt, p.priceFen, p.payer, p.paymentKind, p.scanLatitude, p.scanLongitude, p.distanceMeters, p.withinGeofence,
      ],
    );
    return row;
  }

  /** Marks a meal voided (remembering the void if the scan has not arrived yet). */
  async voidMeal(eventId: string, p: MealVoidedV1): Promise<void> {
    this.dinerWindows.clear(); // the void names the diner, but the stored meal is authoritative
    await this.sql.query(`INSERT INTO risk_meal_voids (meal_id, event_id, voided_at) VALUES ($1, $2, $3) ON CONFLICT (meal_id) DO NOTHING`, [p.mealId, eventId, p.voidedAt]);
    await this.sql.query(`UPDATE risk_meal_facts SET voided_at = $2, void_event_id = $3 WHERE meal_id = $1 AND voided_at IS NULL`, [p.mealId, p.voidedAt, eventId]);
  }

  /** Upserts a claim, keeping the latest version by occurredAt. Returns the stored (current) claim. */
  async upsertClaim(eventId: string, occurredAt: string, p: AllowanceClaimV1): Promise<ClaimFact> {
    await this.sql.query(
      `INSERT INTO risk_allowance_claims (claim_id, event_id, diner_id, diner_unit_id, trip_start, trip_end, destination_region_code, days,
         allowance_fen, status, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (claim_id) DO UPDATE SET event_id = EXCLUDED.event_id, diner_id = EXCLUDED.diner_id, diner_unit_id = EXCLUDED.diner_unit_id,
         trip_start = EXCLUDED.trip_start, trip_end = EXCLUDED.trip_end, destination_region_code = EXCLUDED.destination_region_code,
         days = EXCLUDED.days, allowance_fen = EXCLUDED.allowance_fen, status = EXCLUDED.status, occurred_at = EXCLUDED.occurred_at
       WHERE risk_allowance_claims.occurred_at <= EXCLUDED.occurred_at`,
      [p.claimId, eventId, p.dinerId, p.dinerUnitId, p.tripStart, p.tripEnd, p.destinationRegionCode, p.days, p.allowanceFen, p.status, occurredAt],
    );
    const [row] = await this.rows<ClaimFact>(`SELECT ${CLAIM_COLUMNS} FROM risk_allowance_claims WHERE claim_id = $1`, [p.claimId]);
    return row;
  }

  /** Upserts a reception record (a later version replaces an earlier one). Returns the stored record. */
  async upsertReception(eventId: string, occurredAt: string, p: ReceptionRecordV1): Promise<ReceptionFact> {
    await this.sql.query(
      `INSERT INTO risk_reception_records (record_id, event_id, host_unit_id, guest_unit_ids, date, headcount, amount_fen, official_letter_ref, place, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (record_id) DO UPDATE SET event_id = EXCLUDED.event_id, host_unit_id = EXCLUDED.host_unit_id, guest_unit_ids = EXCLUDED.guest_unit_ids,
         date = EXCLUDED.date, headcount = EXCLUDED.headcount, amount_fen = EXCLUDED.amount_fen, official_letter_ref = EXCLUDED.official_letter_ref,
         place = EXCLUDED.place, occurred_at = EXCLUDED.occurred_at
       WHERE risk_reception_records.occurred_at <= EXCLUDED.occurred_at`,
      [p.recordId, eventId, p.hostUnitId, p.guestUnitIds, p.date, p.headcount, p.amountFen, p.officialLetterRef, p.place, occurredAt],
    );
    const [row] = await this.rows<ReceptionFact>(`SELECT ${RECEPTION_COLUMNS} FROM risk_reception_records WHERE record_id = $1`, [p.recordId]);
    return row;
  }

  async mealsInSlot(dinerId: string, mealDate: string, slot: MealSlot): Promise<MealFact[]> {
    return (await this.dinerMeals(dinerId, mealDate, mealDate)).filter((m) => m.slot === slot);
  }

  async unitPaidMealsBetween(dinerId: string, from: string, to: string): Promise<MealFact[]> {
    const window = this.dinerWindows.get(dinerId);
    if (window && window.from <= from && window.to >= to) return window.meals.filter((m) => m.mealDate >= from && m.mealDate <= to && m.payer === 'unit');
    return this.rows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_id = $1 AND meal_date BETWEEN $2 AND $3 AND payer = 'unit' AND voided_at IS NULL ORDER BY scanned_at, meal_id`,
      [dinerId, from, to],
    );
  }

  claimsIntersecting(dinerId: string, from: string, to: string): Promise<ClaimFact[]> {
    return this.rows(
      `SELECT ${CLAIM_COLUMNS} FROM risk_allowance_claims WHERE diner_id = $1 AND trip_start <= $3 AND trip_end >= $2 AND status <> 'revoked' ORDER BY claim_id`,
      [dinerId, from, to],
    );
  }

  async mealsScannedBetween(dinerId: string, from: string, to: string): Promise<MealFact[]> {
    const [f, t] = [Date.parse(from), Date.parse(to)];
    const window = this.dinerWindows.get(dinerId);
    // a meal scanned in [from, to] has a meal date within a day of the scan's Asia/Shanghai date
    const [dFrom, dTo] = [plusDays(shanghaiDay(from), -1), plusDays(shanghaiDay(to), 1)];
    if (window && window.from <= dFrom && window.to >= dTo) {
      return window.meals.filter((m) => {
        const at = Date.parse(m.scannedAt);
        return at >= f && at <= t;
      });
    }
    return this.rows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_id = $1 AND scanned_at BETWEEN $2 AND $3 AND voided_at IS NULL ORDER BY scanned_at, meal_id`,
      [dinerId, from, to],
    );
  }

  pairMealsBetween(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<MealFact[]> {
    return this.rows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_unit_id = $1 AND canteen_owner_unit_id = $2 AND meal_date BETWEEN $3 AND $4 AND voided_at IS NULL
       ORDER BY scanned_at, meal_id`,
      [dinerUnitId, ownerUnitId, from, to],
    );
  }

  async countPairMeals(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<number> {
    const [row] = await this.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM risk_meal_facts WHERE diner_unit_id = $1 AND canteen_owner_unit_id = $2 AND meal_date BETWEEN $3 AND $4 AND voided_at IS NULL`,
      [dinerUnitId, ownerUnitId, from, to],
    );
    return row?.n ?? 0;
  }

  async canteenFlow(canteenId: string, from: string, to: string): Promise<CanteenFlow> {
    // ix_risk_meal_facts_canteen_day (partial, covering) makes this an index-only scan
    const [row] = await this.rows<CanteenFlow>(
      `SELECT count(*) FILTER (WHERE diner_unit_id <> canteen_owner_unit_id)::int AS "visitorMeals", count(DISTINCT meal_date)::int AS "activeDays"
       FROM risk_meal_facts WHERE canteen_id = $1 AND meal_date BETWEEN $2 AND $3 AND voided_at IS NULL`,
      [canteenId, from, to],
    );
    return row ?? { visitorMeals: 0, activeDays: 0 };
  }

  canteenVisitorMeals(canteenId: string, mealDate: string, limit: number): Promise<MealFact[]> {
    return this.rows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE canteen_id = $1 AND meal_date = $2 AND voided_at IS NULL AND diner_unit_id <> canteen_owner_unit_id
       ORDER BY scanned_at, meal_id LIMIT $3`,
      [canteenId, mealDate, limit],
    );
  }

  receptionsBetween(from: string, to: string): Promise<ReceptionFact[]> {
    return this.rows(`SELECT ${RECEPTION_COLUMNS} FROM risk_reception_records WHERE date BETWEEN $1 AND $2 ORDER BY date, record_id`, [from, to]);
  }

  /** Stored meals with meal dates in [from, to] (either end optional), in scan order: the triggers of a replay. */
  mealsForReplay(from: string | null, to: string | null, limit: number): Promise<MealFact[]> {
    return this.rows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE ($1::date IS NULL OR meal_date >= $1) AND ($2::date IS NULL OR meal_date <= $2)
       ORDER BY scanned_at, meal_id LIMIT $3`,
      [from, to, limit],
    );
  }

  /** Stored claims whose trip starts in [from, to], in arrival order. */
  claimsForReplay(from: string | null, to: string | null, limit: number): Promise<ClaimFact[]> {
    return this.rows(
      `SELECT ${CLAIM_COLUMNS} FROM risk_allowance_claims WHERE ($1::date IS NULL OR trip_end >= $1) AND ($2::date IS NULL OR trip_start <= $2)
       ORDER BY occurred_at, claim_id LIMIT $3`,
      [from, to, limit],
    );
  }

  /** Stored reception records dated in [from, to]. */
  receptionsForReplay(from: string | null, to: string | null, limit: number): Promise<ReceptionFact[]> {
    return this.rows(
      `SELECT ${RECEPTION_COLUMNS} FROM risk_reception_records WHERE ($1::date IS NULL OR date >= $1) AND ($2::date IS NULL OR date <= $2)
       ORDER BY date, occurred_at, record_id LIMIT $3`,
      [from, to, limit],
    );
  }

  async canteen(id: string): Promise<CanteenInfo | undefined> {
    if (!this.canteens.has(id)) {
      const [row] = UUID.test(id)
        ? await this.rows<CanteenInfo>(
            `SELECT id, name, owner_unit_id AS "ownerUnitId", region_code AS "regionCode", latitude, longitude, geofence_radius_m AS "geofenceRadiusM"
             FROM canteens WHERE id = $1`,
            [id],
          )
        : [];
      this.canteens.set(id, row);
    }
    return this.canteens.get(id);
  }

  async unit(id: string): Promise<UnitInfo | undefined> {
    if (!this.units.has(id)) {
      const [row] = UUID.test(id) ? await this.rows<UnitInfo>(`SELECT id, name, region_code AS "regionCode" FROM units WHERE id = $1`, [id]) : [];
      this.units.set(id, row);
    }
    return this.units.get(id);
  }

  async staff(id: string): Promise<StaffInfo | undefined> {
    if (!this.staffs.has(id)) {
      const [row] = UUID.test(id) ? await this.rows<StaffInfo>(`SELECT id, name, unit_id AS "unitId" FROM staff WHERE id = $1`, [id]) : [];
      this.staffs.set(id, row);
    }
    return this.staffs.get(id);
  }
}
