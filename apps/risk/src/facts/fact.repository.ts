import { AllowanceClaimV1, MealScannedV1, MealSlot, MealVoidedV1, ReceptionRecordV1 } from '@meal/contracts';
import { CanteenFlow, CanteenInfo, ClaimFact, isVisit as isVisitMeal, MealFact, ReceptionFact, RiskContext, StaffInfo, UnitInfo } from './fact.types';

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
/**
 * A diner's meals with meal dates in [$2, $3], read through ix_risk_meal_facts_diner_scanned by scan time ($4, $5: a
 * range two days wider on each side, enough as a meal's date is within a day of its scan's Asia/Shanghai date) and
 * filtered by date. `meal_date + 0` keeps the planner off ix_risk_meal_facts_meal_date: for the newest dates (those
 * of today's scans) the statistics lag behind and estimate about one row, and that plan read every meal of the day
 * for every batch (tens of milliseconds, growing through the day).
 */
const DINER_DAYS_SQL = `scanned_at BETWEEN $4::timestamptz AND $5::timestamptz AND meal_date + 0 BETWEEN $2::date AND $3::date`;
/** A batch whose meal dates span more days than this is not prefetched (its questions go to SQL one by one). */
const PREFETCH_MAX_SPAN_DAYS = 7;
const SEP = '\u0000';
const pairDayKey = (dinerUnitId: string, ownerUnitId: string, date: string): string => `${dinerUnitId}${SEP}${ownerUnitId}${SEP}${date}`;
const canteenDayKey = (canteenId: string, date: string): string => `${canteenId}${SEP}${date}`;
/** Scan order of the meal queries (ORDER BY scanned_at, meal_id): fixed-width UTC instants and lower-case uuids compare as text. */
const byScan = (a: MealFact, b: MealFact): number => (a.scannedAt < b.scannedAt ? -1 : a.scannedAt > b.scannedAt ? 1 : a.mealId < b.mealId ? -1 : a.mealId > b.mealId ? 1 : 0);

/** A diner's non-voided meals with meal dates in [from, to], read once and reused by several model questions. */
interface DinerWindow {
  from: string;
  to: string;
  meals: MealFact[];
}

/** A diner's non-revoked claims whose trips intersect [from, to] (prefetched for a batch's unit-paid meals). */
interface DinerClaims {
  from: string;
  to: string;
  claims: ClaimFact[];
}

/** Non-voided meals of a canteen on one meal date: visitor meals and all meals. */
interface CanteenDay {
  visitorMeals: number;
  meals: number;
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
  /**
   * Prefetched for a batch (prefetchMeals, after its locks) and kept exact as the batch writes: non-voided meals per
   * unit pair and meal date, per canteen and meal date, and the claims of the diners of its unit-paid meals. Only keys
   * the batch holds a lock on are kept (pair-day and canteen-day locks; claims under the diner lock).
   */
  private readonly pairDays = new Map<string, number>();
  private readonly canteenDays = new Map<string, CanteenDay>();
  private readonly dinerClaims = new Map<string, DinerClaims>();
  /**
   * A canteen's flow over a range of days before a meal date (the baseline of the canteen surge), read for every
   * canteen the batch visits at the first question of that range (one query instead of one per meal), by canteen then
   * "from|to". An entry is dropped when the batch records a meal of its canteen inside its range.
   */
  private readonly canteenHistories = new Map<string, Map<string, CanteenFlow>>();
  /** The canteens the batch's scans visit (prefetchMeals), for the bulk baseline reads. */
  private visitedCanteens: string[] = [];
  /** Meals written by insertMeals whose events the batch has not reached yet, by meal id: the inserted ones are hidden from every read. */
  private readonly ahead = new Map<string, { eventId: string; meal: MealFact; inserted: boolean }>();

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
      const meals = await this.visibleRows<MealFact>(
        `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_id = $1 AND ${DINER_DAYS_SQL} AND voided_at IS NULL`,
        [dinerId, wFrom, wTo, `${plusDays(wFrom, -2)}T00:00:00Z`, `${plusDays(wTo, 2)}T00:00:00Z`],
        ' ORDER BY scanned_at, meal_id',
      );
      window = { from: wFrom, to: wTo, meals };
      this.dinerWindows.set(dinerId, window);
    }
    return window.meals.filter((m) => m.mealDate >= from && m.mealDate <= to);
  }

  private async rows<T>(text: string, params: unknown[]): Promise<T[]> {
    return (await this.sql.query(text, params)) as T[];
  }

  /**
   * A read of risk_meal_facts (`where` ends in its WHERE clause, `tail` is its ORDER BY / LIMIT) that does not see the
   * meals insertMeals wrote ahead for events the batch has not reached yet. Adds nothing when there are none, so the
   * usual plans (index-only scans) stay.
   */
  private visibleRows<T>(where: string, params: unknown[], tail = ''): Promise<T[]> {
    // only rows the batch inserted: a meal stored before the batch (a redelivered scan) was visible all along
    const hidden = [...this.ahead.values()].filter((a) => a.inserted).map((a) => a.meal.mealId);
    if (hidden.length === 0) return this.rows<T>(`${where}${tail}`, params);
    return this.rows<T>(`${where} AND meal_id <> ALL($${params.length + 1}::uuid[])${tail}`, [...params, hidden]);
  }

  /**
   * Reads in a few queries what the models ask about a batch's meals per diner: the diners' meals around the batch's
   * meal dates and the claims of the diners of unit-paid meals (prefetchDayCounts reads the day counts, prefetchStaff
   * the staff rows). Call it after taking the batch's diner locks (lockKeyOf): then nobody else changes these rows
   * until the transaction ends, and the upserts of the batch keep them exact, so each event still sees exactly the
   * facts of the events before it. A batch spanning more than PREFETCH_MAX_SPAN_DAYS meal dates is not prefetched
   * (returns false; then nothing else is prefetched either).
   */
  async prefetchMeals(meals: readonly MealScannedV1[]): Promise<boolean> {
    if (meals.length === 0) return false;
    const dates = meals.map((m) => m.mealDate).sort();
    const [first, last] = [dates[0], dates[dates.length - 1]];
    if (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`) > PREFETCH_MAX_SPAN_DAYS * DAY_MS) return false;

    const diners = [...new Set(meals.map((m) => m.dinerId))];
    const [wFrom, wTo] = [plusDays(first, -2), plusDays(last, 2)];
    const windowMeals = await this.rows<MealFact>(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_id = ANY($1::text[]) AND ${DINER_DAYS_SQL} AND voided_at IS NULL
       ORDER BY scanned_at, meal_id`,
      [diners, wFrom, wTo, `${plusDays(wFrom, -2)}T00:00:00Z`, `${plusDays(wTo, 2)}T00:00:00Z`],
    );
    for (const dinerId of diners) this.dinerWindows.set(dinerId, { from: wFrom, to: wTo, meals: [] });
    for (const meal of windowMeals) this.dinerWindows.get(meal.dinerId)?.meals.push(meal);

    const payers = [...new Set(meals.filter((m) => m.payer === 'unit').map((m) => m.dinerId))];
    if (payers.length > 0) {
      const claims = await this.rows<ClaimFact>(
        `SELECT ${CLAIM_COLUMNS} FROM risk_allowance_claims WHERE diner_id = ANY($1::text[]) AND trip_start <= $3 AND trip_end >= $2 AND status <> 'revoked'
         ORDER BY claim_id`,
        [payers, first, last],
      );
      for (const dinerId of payers) this.dinerClaims.set(dinerId, { from: first, to: last, claims: [] });
      for (const claim of claims) this.dinerClaims.get(claim.dinerId)?.claims.push(claim);
    }
    return true;
  }

  /**
   * The day counts of a batch's visit meals (pairs and canteens, from the running counts), after prefetchMeals returned
   * true and after the batch's canteen-day and unit-pair-day locks (lockKeyOf): nobody else changes them until the
   * transaction ends, and the batch's upserts keep them exact.
   */
  async prefetchDayCounts(meals: readonly MealScannedV1[]): Promise<void> {
    const visits = meals.filter((m) => m.dinerUnitId !== m.canteenOwnerUnitId);
    const pairs = new Map(visits.map((m) => [pairDayKey(m.dinerUnitId, m.canteenOwnerUnitId, m.mealDate), m]));
    if (pairs.size > 0) {
      const list = [...pairs.values()];
      const counts = await this.rows<{ dinerUnitId: string; ownerUnitId: string; mealDate: string; n: number }>(
        // the running counts of migration RiskDayCounts (the batch has written nothing yet: nothing to hide)
        `SELECT diner_unit_id AS "dinerUnitId", canteen_owner_unit_id AS "ownerUnitId", to_char(meal_date, 'YYYY-MM-DD') AS "mealDate", meals AS n
         FROM risk_pair_day_counts
         WHERE (diner_unit_id, canteen_owner_unit_id, meal_date) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::date[]))`,
        [list.map((m) => m.dinerUnitId), list.map((m) => m.canteenOwnerUnitId), list.map((m) => m.mealDate)],
      );
      for (const key of pairs.keys()) this.pairDays.set(key, 0);
      for (const c of counts) this.pairDays.set(pairDayKey(c.dinerUnitId, c.ownerUnitId, c.mealDate), c.n);
    }
    this.visitedCanteens = [...new Set(visits.map((m) => m.canteenId))];
    const canteenDays = new Map(visits.map((m) => [canteenDayKey(m.canteenId, m.mealDate), m]));
    if (canteenDays.size > 0) {
      const list = [...canteenDays.values()];
      const counts = await this.rows<{ canteenId: string; mealDate: string; visitorMeals: number; meals: number }>(
        `SELECT canteen_id AS "canteenId", to_char(meal_date, 'YYYY-MM-DD') AS "mealDate", visitor_meals AS "visitorMeals", meals
         FROM risk_canteen_day_counts WHERE (canteen_id, meal_date) IN (SELECT * FROM unnest($1::text[], $2::date[]))`,
        [list.map((m) => m.canteenId), list.map((m) => m.mealDate)],
      );
      for (const key of canteenDays.keys()) this.canteenDays.set(key, { visitorMeals: 0, meals: 0 });
      for (const c of counts) this.canteenDays.set(canteenDayKey(c.canteenId, c.mealDate), { visitorMeals: c.visitorMeals, meals: c.meals });
    }
  }

  /** Staff rows of a batch's diners in one query: their names label the batch's warnings (one lookup per alert otherwise). */
  async prefetchStaff(dinerIds: readonly string[]): Promise<void> {
    const unknownStaff = [...new Set(dinerIds)].filter((id) => UUID.test(id) && id === id.toLowerCase() && !this.staffs.has(id)); // rows come back lower-case
    if (unknownStaff.length === 0) return;
    const staff = await this.rows<StaffInfo>(`SELECT id, name, unit_id AS "unitId" FROM staff WHERE id = ANY($1::uuid[])`, [unknownStaff]);
    for (const id of unknownStaff) this.staffs.set(id, undefined);
    for (const row of staff) this.staffs.set(row.id, row);
  }

  /**
   * Writes a batch's scanned meals in one statement (after prefetchMeals, under the batch's locks). Until upsertMeal
   * reaches a meal's event, the meal stays hidden from every read (visibleRows; the prefetched windows and counts are
   * only updated then), so each event is still evaluated against the facts of the events before it. Meal ids must be
   * unique in the batch and no void may be in it (a void before its scan would change the stored row); otherwise
   * nothing is written here and upsertMeal writes meal by meal.
   */
  async insertMeals(scans: readonly { eventId: string; payload: MealScannedV1 }[]): Promise<void> {
    if (scans.length === 0 || new Set(scans.map((s) => s.payload.mealId)).size !== scans.length) return;
    const column = <K extends keyof MealScannedV1>(key: K): MealScannedV1[K][] => scans.map((s) => s.payload[key]);
    const rows = await this.rows<MealFact & { inserted: boolean }>(
      `INSERT INTO risk_meal_facts (meal_id, event_id, diner_id, diner_unit_id, diner_region_code, canteen_id, canteen_owner_unit_id,
         canteen_region_code, slot, meal_date, scanned_at, price_fen, payer, payment_kind, scan_latitude, scan_longitude, distance_meters,
         within_geofence, voided_at, void_event_id)
       SELECT p.meal_id, p.event_id, p.diner_id, p.diner_unit_id, p.diner_region_code, p.canteen_id, p.canteen_owner_unit_id, p.canteen_region_code,
         p.slot, p.meal_date, p.scanned_at, p.price_fen, p.payer, p.payment_kind, p.scan_latitude, p.scan_longitude, p.distance_meters,
         p.within_geofence, v.voided_at, v.event_id
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::varchar[], $6::text[], $7::text[], $8::varchar[], $9::text[], $10::date[],
         $11::timestamptz[], $12::bigint[], $13::text[], $14::text[], $15::float8[], $16::float8[], $17::float8[], $18::boolean[])
         AS p(meal_id, event_id, diner_id, diner_unit_id, diner_region_code, canteen_id, canteen_owner_unit_id, canteen_region_code, slot, meal_date,
           scanned_at, price_fen, payer, payment_kind, scan_latitude, scan_longitude, distance_meters, within_geofence)
       LEFT JOIN risk_meal_voids v ON v.meal_id = p.meal_id
       ON CONFLICT (meal_id) DO UPDATE SET meal_id = EXCLUDED.meal_id
       RETURNING ${MEAL_COLUMNS}, (xmax = 0) AS inserted`,
      [
        column('mealId'), scans.map((s) => s.eventId), column('dinerId'), column('dinerUnitId'), column('dinerRegionCode'), column('canteenId'),
        column('canteenOwnerUnitId'), column('canteenRegionCode'), column('slot'), column('mealDate'), column('scannedAt'), column('priceFen'),
        column('payer'), column('paymentKind'), column('scanLatitude'), column('scanLongitude'), column('distanceMeters'), column('withinGeofence'),
      ],
    );
    const byMeal = new Map(rows.map(({ inserted, ...meal }) => [meal.mealId, { meal, inserted }]));
    for (const s of scans) {
      const row = byMeal.get(s.payload.mealId);
      if (row) this.ahead.set(s.payload.mealId, { eventId: s.eventId, ...row });
    }
  }

  /** Keeps the prefetched windows and counts exact after a meal upsert (`inserted`: a new row, not a redelivery). */
  private recordedMeal(meal: MealFact, inserted: boolean): void {
    const window = this.dinerWindows.get(meal.dinerId);
    if (window) {
      const meals = window.meals.filter((m) => m.mealId !== meal.mealId);
      if (!meal.voidedAt && meal.mealDate >= window.from && meal.mealDate <= window.to) {
        const at = meals.findIndex((m) => byScan(m, meal) > 0);
        meals.splice(at < 0 ? meals.length : at, 0, meal);
      }
      window.meals = meals;
    }
    if (!inserted || meal.voidedAt) return;
    const histories = this.canteenHistories.get(meal.canteenId);
    if (histories) {
      for (const range of [...histories.keys()]) {
        const [from, to] = range.split('|');
        if (meal.mealDate >= from && meal.mealDate <= to) histories.delete(range);
      }
    }
    const pairKey = pairDayKey(meal.dinerUnitId, meal.canteenOwnerUnitId, meal.mealDate);
    const pair = this.pairDays.get(pairKey);
    if (pair !== undefined) this.pairDays.set(pairKey, pair + 1);
    const day = this.canteenDays.get(canteenDayKey(meal.canteenId, meal.mealDate));
    if (day) {
      day.meals += 1;
      if (meal.dinerUnitId !== meal.canteenOwnerUnitId) day.visitorMeals += 1;
    }
  }

  /** Forgets everything prefetched (a void changes meals the batch may not hold a lock on). */
  private forgetPrefetched(): void {
    this.dinerWindows.clear();
    this.pairDays.clear();
    this.canteenDays.clear();
    this.canteenHistories.clear();
    this.visitedCanteens = [];
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
    const written = this.ahead.get(p.mealId);
    if (written && written.eventId === eventId) {
      this.ahead.delete(p.mealId);
      if (written.meal.dinerId !== p.dinerId) this.dinerWindows.delete(p.dinerId);
      this.recordedMeal(written.meal, written.inserted);
      return written.meal;
    }
    const [row] = await this.rows<MealFact & { inserted: boolean }>(
      `INSERT INTO risk_meal_facts (meal_id, event_id, diner_id, diner_unit_id, diner_region_code, canteen_id, canteen_owner_unit_id,
         canteen_region_code, slot, meal_date, scanned_at, price_fen, payer, payment_kind, scan_latitude, scan_longitude, distance_meters,
         within_geofence, voided_at, void_event_id)
       SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::varchar, $6::text, $7::text, $8::varchar, $9::text, $10::date, $11::timestamptz,
         $12::bigint, $13::text, $14::text, $15::float8, $16::float8, $17::float8, $18::boolean, v.voided_at, v.event_id
       FROM (SELECT 1) AS one LEFT JOIN risk_meal_voids v ON v.meal_id = $1::uuid
       ON CONFLICT (meal_id) DO UPDATE SET meal_id = EXCLUDED.meal_id
       RETURNING ${MEAL_COLUMNS}, (xmax = 0) AS inserted`,
      [
        p.mealId, eventId, p.dinerId, p.dinerUnitId, p.dinerRegionCode, p.canteenId, p.canteenOwnerUnitId, p.canteenRegionCode, p.slot,
        p.mealDate, p.scannedAt, p.priceFen, p.payer, p.paymentKind, p.scanLatitude, p.scanLongitude, p.distanceMeters, p.withinGeofence,
      ],
    );
    const { inserted, ...meal } = row;
    if (meal.dinerId !== p.dinerId) this.dinerWindows.delete(p.dinerId);
    this.recordedMeal(meal, inserted);
    return meal;
  }

  /** Marks a meal voided (remembering the void if the scan has not arrived yet). */
  async voidMeal(eventId: string, p: MealVoidedV1): Promise<void> {
    this.forgetPrefetched(); // the void names the diner, but the stored meal is authoritative
    await this.sql.query(`INSERT INTO risk_meal_voids (meal_id, event_id, voided_at) VALUES ($1, $2, $3) ON CONFLICT (meal_id) DO NOTHING`, [p.mealId, eventId, p.voidedAt]);
    await this.sql.query(`UPDATE risk_meal_facts SET voided_at = $2, void_event_id = $3 WHERE meal_id = $1 AND voided_at IS NULL`, [p.mealId, p.voidedAt, eventId]);
  }

  /** Upserts a claim, keeping the latest version by occurredAt. Returns the stored (current) claim. */
  async upsertClaim(eventId: string, occurredAt: string, p: AllowanceClaimV1): Promise<ClaimFact> {
    this.dinerClaims.clear(); // an update may move a claim between diners
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
    return this.visibleRows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_id = $1 AND meal_date BETWEEN $2 AND $3 AND payer = 'unit' AND voided_at IS NULL`,
      [dinerId, from, to],
      ' ORDER BY scanned_at, meal_id',
    );
  }

  async claimsIntersecting(dinerId: string, from: string, to: string): Promise<ClaimFact[]> {
    const cached = this.dinerClaims.get(dinerId);
    if (cached && cached.from <= from && cached.to >= to) return cached.claims.filter((c) => c.tripStart <= to && c.tripEnd >= from);
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
    return this.visibleRows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_id = $1 AND scanned_at BETWEEN $2 AND $3 AND voided_at IS NULL`,
      [dinerId, from, to],
      ' ORDER BY scanned_at, meal_id',
    );
  }

  pairMealsBetween(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<MealFact[]> {
    return this.visibleRows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE diner_unit_id = $1 AND canteen_owner_unit_id = $2 AND meal_date BETWEEN $3 AND $4 AND voided_at IS NULL`,
      [dinerUnitId, ownerUnitId, from, to],
      ' ORDER BY scanned_at, meal_id',
    );
  }

  async countPairMeals(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<number> {
    const cached = from === to ? this.pairDays.get(pairDayKey(dinerUnitId, ownerUnitId, from)) : undefined;
    if (cached !== undefined) return cached;
    if (dinerUnitId !== ownerUnitId) {
      // visiting pairs have running day counts; the meals the batch wrote ahead and has not reached are not counted yet
      const [row] = await this.rows<{ n: number }>(
        `SELECT coalesce(sum(meals), 0)::int AS n FROM risk_pair_day_counts WHERE diner_unit_id = $1 AND canteen_owner_unit_id = $2 AND meal_date BETWEEN $3 AND $4`,
        [dinerUnitId, ownerUnitId, from, to],
      );
      let hidden = 0;
      for (const { meal, inserted } of this.ahead.values()) {
        if (inserted && !meal.voidedAt && meal.dinerUnitId === dinerUnitId && meal.canteenOwnerUnitId === ownerUnitId && meal.mealDate >= from && meal.mealDate <= to) hidden += 1;
      }
      return (row?.n ?? 0) - hidden;
    }
    const [row] = await this.visibleRows<{ n: number }>(
      `SELECT count(*)::int AS n FROM risk_meal_facts WHERE diner_unit_id = $1 AND canteen_owner_unit_id = $2 AND meal_date BETWEEN $3 AND $4 AND voided_at IS NULL`,
      [dinerUnitId, ownerUnitId, from, to],
    );
    return row?.n ?? 0;
  }

  async canteenFlow(canteenId: string, from: string, to: string): Promise<CanteenFlow> {
    const day = from === to ? this.canteenDays.get(canteenDayKey(canteenId, from)) : undefined;
    if (day) return { visitorMeals: day.visitorMeals, activeDays: day.meals > 0 ? 1 : 0 };
    if (from !== to && this.visitedCanteens.includes(canteenId)) {
      const range = `${from}|${to}`;
      const known = this.canteenHistories.get(canteenId)?.get(range);
      if (known) return { ...known };
      // the baseline of every canteen the batch visits, for this range, in one query of the running day counts,
      // less the meals the batch wrote ahead and has not reached (hidden, as visibleRows hides them)
      const days = await this.rows<{ canteenId: string; mealDate: string; meals: number; visitorMeals: number }>(
        `SELECT canteen_id AS "canteenId", to_char(meal_date, 'YYYY-MM-DD') AS "mealDate", meals, visitor_meals AS "visitorMeals"
         FROM risk_canteen_day_counts WHERE canteen_id = ANY($1::text[]) AND meal_date BETWEEN $2 AND $3 AND meals <> 0`,
        [this.visitedCanteens, from, to],
      );
      const perDay = new Map(days.map((d) => [canteenDayKey(d.canteenId, d.mealDate), d]));
      for (const { meal, inserted } of this.ahead.values()) {
        if (!inserted || meal.voidedAt || meal.mealDate < from || meal.mealDate > to) continue;
        const day = perDay.get(canteenDayKey(meal.canteenId, meal.mealDate));
        if (!day) continue;
        day.meals -= 1;
        if (isVisitMeal(meal)) day.visitorMeals -= 1;
      }
      const byCanteen = new Map<string, CanteenFlow>();
      for (const d of perDay.values()) {
        const flow = byCanteen.get(d.canteenId) ?? { visitorMeals: 0, activeDays: 0 };
        flow.visitorMeals += d.visitorMeals;
        if (d.meals > 0) flow.activeDays += 1;
        byCanteen.set(d.canteenId, flow);
      }
      for (const id of this.visitedCanteens) {
        let histories = this.canteenHistories.get(id);
        if (!histories) {
          histories = new Map();
          this.canteenHistories.set(id, histories);
        }
        histories.set(range, byCanteen.get(id) ?? { visitorMeals: 0, activeDays: 0 });
      }
      return { ...this.canteenHistories.get(canteenId)!.get(range)! };
    }
    // ix_risk_meal_facts_canteen_day (partial, covering) makes this an index-only scan
    const [row] = await this.visibleRows<CanteenFlow>(
      `SELECT count(*) FILTER (WHERE diner_unit_id <> canteen_owner_unit_id)::int AS "visitorMeals", count(DISTINCT meal_date)::int AS "activeDays"
       FROM risk_meal_facts WHERE canteen_id = $1 AND meal_date BETWEEN $2 AND $3 AND voided_at IS NULL`,
      [canteenId, from, to],
    );
    return row ?? { visitorMeals: 0, activeDays: 0 };
  }

  canteenVisitorMeals(canteenId: string, mealDate: string, limit: number): Promise<MealFact[]> {
    return this.visibleRows(
      `SELECT ${MEAL_COLUMNS} FROM risk_meal_facts WHERE canteen_id = $1 AND meal_date = $2 AND voided_at IS NULL AND diner_unit_id <> canteen_owner_unit_id`,
      [canteenId, mealDate, limit],
      ' ORDER BY scanned_at, meal_id LIMIT $3',
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
