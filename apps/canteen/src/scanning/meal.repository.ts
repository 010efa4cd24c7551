import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { BatchQueue } from '@meal/database';
import { OutboxRow, SqlExecutor } from '@meal/kafka';
import { MetricsService } from '@meal/platform';
import { SlotHours } from './meal-time';

/** A meal as the services use it. `mealDate` is YYYY-MM-DD (Asia/Shanghai). */
export interface MealRecord {
  id: string;
  dinerId: string;
  dinerUnitId: string;
  canteenId: string;
  canteenOwnerUnitId: string;
  mealDate: string;
  slot: string;
  priceFen: number;
  payer: 'self' | 'unit';
  isVisitor: boolean;
  purpose: 'official' | 'personal';
  scannedAt: Date;
  distanceM: number;
  withinGeofence: boolean;
  codeVersion: number;
  idempotencyKey: string;
  requestHash: string;
  status: 'issued' | 'verified' | 'voided';
  verifiedAt: Date | null;
  verifiedByTerminalId: string | null;
  verifiedOffline: boolean;
  voidedAt: Date | null;
  voidReason: string | null;
  voidIdempotencyKey: string | null;
}

/** The values of a new meal (the scan transaction's parameters $1..$20): a meal's own fields plus where the phone was. */
export type NewMeal = Pick<
  MealRecord,
  | 'id'
  | 'dinerId'
  | 'dinerUnitId'
  | 'canteenId'
  | 'canteenOwnerUnitId'
  | 'mealDate'
  | 'slot'
  | 'priceFen'
  | 'payer'
  | 'isVisitor'
  | 'purpose'
  | 'scannedAt'
  | 'distanceM'
  | 'withinGeofence'
  | 'codeVersion'
  | 'idempotencyKey'
  | 'requestHash'
> & {
  latitude: number;
  longitude: number;
  accuracyM: number | null;
};

export interface CanteenInfo {
  id: string;
  name: string;
  ownerUnitId: string;
  regionCode: string;
  regionName: string;
  active: boolean;
  latitude: number;
  longitude: number;
  radiusM: number;
  slots: SlotHours[];
}

export interface DinerInfo {
  id: string;
  name: string;
  active: boolean;
  unitId: string;
  unitName: string;
  unitActive: boolean;
  unitRegionCode: string;
}

export interface TerminalInfo {
  id: string;
  canteenId: string;
  name: string;
  active: boolean;
}

export interface MealListItem extends MealRecord {
  canteenName: string;
}

export interface SlotCount {
  slot: string;
  scanned: number;
  verified: number;
}

export interface StoredConfirmation {
  confirmationId: string;
  outcome: 'accepted' | 'duplicate' | 'refused';
  code: string | null;
  message: string | null;
}

const MEAL_COLUMNS = `id, diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date::text AS meal_date, slot, price_fen, payer,
  is_visitor, purpose, scanned_at, distance_m, within_geofence, code_version, idempotency_key, request_hash, status, verified_at,
  verified_by_terminal_id, verified_offline, voided_at, void_reason, void_idempotency_key`;

/**
 * THE scan transaction — one statement, so one implicit transaction and one round trip: insert the meal unless
 * the diner already has one for the slot (partial unique index) or the idempotency key was used (unique), and in
 * the same statement the outbox row of its `meal.scanned` event (only when the meal was inserted). Returns the
 * meal id, or no row on a conflict. Parameters: $1..$20 the meal (NewMeal order), $21..$24 the outbox row
 * (event id, topic, aggregate id, envelope JSON). Prepared by name. The benchmark replays exactly this text.
 */
export const SCAN_INSERT_SQL = `WITH inserted AS (
  INSERT INTO meals (id, diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date, slot, price_fen, payer, is_visitor,
    purpose, scanned_at, scan_latitude, scan_longitude, scan_accuracy_m, distance_m, within_geofence, code_version, idempotency_key, request_hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
  ON CONFLICT DO NOTHING
  RETURNING id
), outbox AS (
  INSERT INTO outbox_events (event_id, topic, aggregate_id, envelope)
  SELECT $21, $22, $23, $24::jsonb FROM inserted
)
SELECT id FROM inserted`;

/**
 * The scan transaction for a group of scans (group commit, see MealRepository.insertScannedMeal): the same two
 * inserts as SCAN_INSERT_SQL, for N meals at once, each column one array parameter ($1..$20 the meals in NewMeal
 * order, $21..$24 their outbox rows). Rows go in (diner, key) order so two concurrent groups take their unique-index
 * locks in the same order; a meal that conflicts (even with another row of the group) is skipped, and only the
 * inserted meals get their outbox row. Returns the ids of the inserted meals.
 */
export const SCAN_BATCH_INSERT_SQL = `WITH batch AS (
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::date[], $7::text[], $8::int[], $9::text[],
    $10::boolean[], $11::text[], $12::timestamptz[], $13::float8[], $14::float8[], $15::real[], $16::real[], $17::boolean[], $18::int[],
    $19::text[], $20::text[], $21::uuid[], $22::text[], $23::text[], $24::jsonb[])
    WITH ORDINALITY AS b(id, diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date, slot, price_fen, payer, is_visitor,
      purpose, scanned_at, scan_latitude, scan_longitude, scan_accuracy_m, distance_m, within_geofence, code_version, idempotency_key,
      request_hash, event_id, topic, aggregate_id, envelope, ord)
), inserted AS (
  INSERT INTO meals (id, diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date, slot, price_fen, payer, is_visitor,
    purpose, scanned_at, scan_latitude, scan_longitude, scan_accuracy_m, distance_m, within_geofence, code_version, idempotency_key, request_hash)
  SELECT id, diner_id, diner_unit_id, canteen_id, canteen_owner_unit_id, meal_date, slot, price_fen, payer, is_visitor,
    purpose, scanned_at, scan_latitude, scan_longitude, scan_accuracy_m, distance_m, within_geofence, code_version, idempotency_key, request_hash
  FROM batch ORDER BY diner_id, idempotency_key
  ON CONFLICT DO NOTHING
  RETURNING id
), outbox AS (
  INSERT INTO outbox_events (event_id, topic, aggregate_id, envelope)
  SELECT b.event_id, b.topic, b.aggregate_id, b.envelope FROM batch b JOIN inserted i ON i.id = b.id ORDER BY b.ord
)
SELECT id FROM inserted`;

/** After a conflicting scan insert: the diner's meal with this key and/or the live meal of the slot, with the canteen name. */
export const SCAN_CONFLICT_SQL = `SELECT ${MEAL_COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1m.$2')}, c.name AS canteen_name
  FROM meals m JOIN canteens c ON c.id = m.canteen_id
  WHERE m.diner_id = $1 AND (m.idempotency_key = $2 OR (m.meal_date = $3 AND m.slot = $4 AND m.status <> 'voided'))`;

/** Consumes a pass exactly once (issued → verified) with its `meal.verified` outbox row, one statement. */
export const VERIFY_MEAL_SQL = `WITH verified AS (
  UPDATE meals SET status = 'verified', verified_at = $2, verified_by_terminal_id = $3, verified_offline = $4
  WHERE id = $1 AND status = 'issued'
  RETURNING ${MEAL_COLUMNS}
), outbox AS (
  INSERT INTO outbox_events (event_id, topic, aggregate_id, envelope)
  SELECT $5, $6, $7, $8::jsonb FROM verified
)
SELECT * FROM verified`;

const VOID_MEAL_SQL = `WITH voided AS (
  UPDATE meals SET status = 'voided', voided_at = $2, void_reason = $3, void_idempotency_key = $4
  WHERE id = $1 AND status IN ('issued', 'verified')
  RETURNING ${MEAL_COLUMNS}
), outbox AS (
  INSERT INTO outbox_events (event_id, topic, aggregate_id, envelope)
  SELECT $5, $6, $7, $8::jsonb FROM voided
)
SELECT * FROM voided`;

function toMeal(row: Record<string, unknown>): MealRecord {
  return {
    id: row.id as string,
    dinerId: row.diner_id as string,
    dinerUnitId: row.diner_unit_id as string,
    canteenId: row.canteen_id as string,
    canteenOwnerUnitId: row.canteen_owner_unit_id as string,
    mealDate: row.meal_date as string,
    slot: row.slot as string,
    priceFen: Number(row.price_fen),
    payer: row.payer as MealRecord['payer'],
    isVisitor: row.is_visitor as boolean,
    purpose: row.purpose as MealRecord['purpose'],
    scannedAt: row.scanned_at as Date,
    distanceM: Number(row.distance_m),
    withinGeofence: row.within_geofence as boolean,
    codeVersion: Number(row.code_version),
    idempotencyKey: row.idempotency_key as string,
    requestHash: row.request_hash as string,
    status: row.status as MealRecord['status'],
    verifiedAt: (row.verified_at as Date | null) ?? null,
    verifiedByTerminalId: (row.verified_by_terminal_id as string | null) ?? null,
    verifiedOffline: row.verified_offline as boolean,
    voidedAt: (row.voided_at as Date | null) ?? null,
    voidReason: (row.void_reason as string | null) ?? null,
    voidIdempotencyKey: (row.void_idempotency_key as string | null) ?? null,
  };
}

function outboxParams(row: OutboxRow): unknown[] {
  return [row.eventId, row.topic, row.aggregateId, row.envelope];
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** A scan to write: the meal and the outbox row of its `meal.scanned` event. */
export interface ScanWrite {
  meal: NewMeal;
  outbox: OutboxRow;
}

/** Most scans written by one statement, and statements of scans in flight at once (the pool has more connections). */
const SCAN_BATCH_MAX = 200;
const SCAN_BATCHES_IN_FLIGHT = 4;

/** The 24 parameters of SCAN_INSERT_SQL (and the 24 columns of SCAN_BATCH_INSERT_SQL), in order. */
function scanParams({ meal, outbox }: ScanWrite): unknown[] {
  return [
    meal.id,
    meal.dinerId,
    meal.dinerUnitId,
    meal.canteenId,
    meal.canteenOwnerUnitId,
    meal.mealDate,
    meal.slot,
    meal.priceFen,
    meal.payer,
    meal.isVisitor,
    meal.purpose,
    meal.scannedAt,
    meal.latitude,
    meal.longitude,
    meal.accuracyM,
    meal.distanceM,
    meal.withinGeofence,
    meal.codeVersion,
    meal.idempotencyKey,
    meal.requestHash,
    ...outboxParams(outbox),
  ];
}

/** Every SQL statement of scanning and verification. The hot ones run as named prepared statements on the pg pool. */
@Injectable()
export class MealRepository {
  private readonly pool: Pool;
  private readonly logger = new Logger('MealRepository');

  /** Group commit of the scan transaction: the scans that arrive together go in one statement (SCAN_BATCH_INSERT_SQL). */
  private readonly scanWrites: BatchQueue<ScanWrite, boolean | Error>;
  /** The diner reads of scans that arrive together go in one statement. */
  private readonly dinerReads: BatchQueue<string, DinerInfo | null>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: MetricsService,
  ) {
    // TypeORM's postgres driver keeps its pg Pool in `master`; named prepared statements need the raw pool.
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    const groups = metrics.histogram('scan_group_size', 'Scans per statement of the scan path (group commit), by statement', ['statement'], [1, 2, 4, 8, 16, 32, 64, 128, 200]);
    this.scanWrites = new BatchQueue((writes) => this.insertScannedMeals(writes), {
      maxBatchSize: SCAN_BATCH_MAX,
      maxConcurrentBatches: SCAN_BATCHES_IN_FLIGHT,
      onRun: (size) => groups.observe({ statement: 'insert' }, size),
    });
    this.dinerReads = new BatchQueue((ids) => this.findDiners(ids), {
      maxBatchSize: SCAN_BATCH_MAX,
      maxConcurrentBatches: SCAN_BATCHES_IN_FLIGHT,
      onRun: (size) => groups.observe({ statement: 'diner_read' }, size),
    });
  }

  private async prepared<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>({ name, text, values })).rows;
  }

  /**
   * The scan transaction: true when the meal was inserted (with its outbox row), false on a conflict. Scans that
   * arrive while earlier groups are being written are written together (group commit), see insertScannedMeals.
   */
  async insertScannedMeal(meal: NewMeal, outbox: OutboxRow): Promise<boolean> {
    const outcome = await this.scanWrites.push({ meal, outbox });
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * One statement for a group of scans (SCAN_BATCH_INSERT_SQL), or SCAN_INSERT_SQL for a lone one. When the group
   * statement fails (a row breaking a constraint, a deadlock with another group), each scan is written on its own,
   * so one bad scan never fails the others: its entry is the error, the others' true (inserted) or false (conflict).
   */
  async insertScannedMeals(writes: ScanWrite[]): Promise<(boolean | Error)[]> {
    if (writes.length === 1) return [await this.insertOneScannedMeal(writes[0]!).catch(asError)];
    let insertedIds: Set<string>;
    try {
      const columns: unknown[][] = Array.from({ length: 24 }, () => new Array<unknown>(writes.length));
      writes.forEach((w, row) => scanParams(w).forEach((value, column) => (columns[column]![row] = value)));
      const rows = await this.prepared<{ id: string }>('scan_batch_insert_v1', SCAN_BATCH_INSERT_SQL, columns);
      insertedIds = new Set(rows.map((r) => r.id));
    } catch (error) {
      this.logger.warn(`a group of ${writes.length} scans is written one by one after its statement failed: ${asError(error).message}`);
      const results: (boolean | Error)[] = [];
      for (const write of writes) results.push(await this.insertOneScannedMeal(write).catch(asError));
      return results;
    }
    return writes.map((w) => insertedIds.has(w.meal.id));
  }

  private async insertOneScannedMeal(write: ScanWrite): Promise<boolean> {
    const rows = await this.prepared<{ id: string }>('scan_insert_v1', SCAN_INSERT_SQL, scanParams(write));
    return rows.length === 1;
  }

  /** What a conflicting scan collided with: the meal of the same key, and/or the live meal of the slot. */
  async findScanConflict(
    dinerId: string,
    idempotencyKey: string,
    mealDate: string,
    slot: string,
  ): Promise<{ byKey?: MealListItem; bySlot?: MealListItem }> {
    const rows = await this.prepared<Record<string, unknown>>('scan_conflict_v1', SCAN_CONFLICT_SQL, [dinerId, idempotencyKey, mealDate, slot]);
    const items = rows.map((r) => ({ ...toMeal(r), canteenName: r.canteen_name as string }));
    return { byKey: items.find((m) => m.idempotencyKey === idempotencyKey), bySlot: items.find((m) => m.idempotencyKey !== idempotencyKey) };
  }

  async findByIdempotencyKey(dinerId: string, idempotencyKey: string): Promise<MealRecord | null> {
    const rows = await this.prepared<Record<string, unknown>>(
      'meal_by_key_v1',
      `SELECT ${MEAL_COLUMNS} FROM meals WHERE diner_id = $1 AND idempotency_key = $2`,
      [dinerId, idempotencyKey],
    );
    return rows[0] ? toMeal(rows[0]) : null;
  }

  async findById(mealId: string, executor?: SqlExecutor): Promise<MealRecord | null> {
    const sql = `SELECT ${MEAL_COLUMNS} FROM meals WHERE id = $1`;
    const rows = executor
      ? ((await executor.query(sql, [mealId])) as Record<string, unknown>[])
      : await this.prepared<Record<string, unknown>>('meal_by_id_v1', sql, [mealId]);
    return rows[0] ? toMeal(rows[0]) : null;
  }

  /** VERIFY_MEAL_SQL: the verified meal, or null when it was not `issued` (already verified, voided or missing). */
  async verifyMeal(
    mealId: string,
    verifiedAt: Date,
    terminalId: string,
    offline: boolean,
    outbox: OutboxRow,
    executor?: SqlExecutor,
  ): Promise<MealRecord | null> {
    const values = [mealId, verifiedAt, terminalId, offline, ...outboxParams(outbox)];
    const rows = executor
      ? ((await executor.query(VERIFY_MEAL_SQL, values)) as Record<string, unknown>[])
      : await this.prepared<Record<string, unknown>>('verify_meal_v1', VERIFY_MEAL_SQL, values);
    return rows[0] ? toMeal(rows[0]) : null;
  }

  async voidMeal(mealId: string, voidedAt: Date, reason: string, idempotencyKey: string, outbox: OutboxRow): Promise<MealRecord | null> {
    const rows = (await this.dataSource.query(VOID_MEAL_SQL, [mealId, voidedAt, reason, idempotencyKey, ...outboxParams(outbox)])) as Record<string, unknown>[];
    return rows[0] ? toMeal(rows[0]) : null;
  }

  /** The diner's meals, newest first, with the canteen name. */
  async listByDiner(dinerId: string, skip: number, take: number): Promise<{ items: MealListItem[]; total: number }> {
    const rows = (await this.dataSource.query(
      `SELECT ${MEAL_COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1m.$2')}, c.name AS canteen_name, count(*) OVER () AS total
       FROM meals m JOIN canteens c ON c.id = m.canteen_id
       WHERE m.diner_id = $1 ORDER BY m.scanned_at DESC, m.id LIMIT $2 OFFSET $3`,
      [dinerId, take, skip],
    )) as Record<string, unknown>[];
    let total = rows[0] ? Number(rows[0].total) : 0;
    if (rows.length === 0 && skip > 0) {
      const [count] = (await this.dataSource.query('SELECT count(*)::int AS n FROM meals WHERE diner_id = $1', [dinerId])) as { n: number }[];
      total = count?.n ?? 0;
    }
    return { items: rows.map((r) => ({ ...toMeal(r), canteenName: r.canteen_name as string })), total };
  }

  /** Scanned (not voided) and verified meals per slot of a canteen's day. */
  async countBySlot(canteenId: string, mealDate: string): Promise<SlotCount[]> {
    const rows = await this.prepared<{ slot: string; scanned: number; verified: number }>(
      'slot_counts_v1',
      `SELECT slot, count(*) FILTER (WHERE status <> 'voided')::int AS scanned, count(*) FILTER (WHERE status = 'verified')::int AS verified
       FROM meals WHERE canteen_id = $1 AND meal_date = $2 GROUP BY slot`,
      [canteenId, mealDate],
    );
    return rows.map((r) => ({ slot: r.slot, scanned: Number(r.scanned), verified: Number(r.verified) }));
  }

  // ── reference data (cached by ScanDirectory) ─────────────────────────────────────────────────────────────

  async findCanteen(canteenId: string): Promise<CanteenInfo | null> {
    const rows = await this.prepared<Record<string, unknown>>(
      'scan_canteen_v1',
      `SELECT c.id, c.name, c.owner_unit_id, c.region_code, coalesce(r.name, c.region_code) AS region_name, c.active, c.latitude, c.longitude,
              c.geofence_radius_m,
              coalesce(json_agg(json_build_object('slot', s.slot, 'opensAt', s.opens_at, 'closesAt', s.closes_at,
                'staffPriceFen', s.staff_price_fen, 'visitorPriceFen', s.visitor_price_fen) ORDER BY s.opens_at) FILTER (WHERE s.slot IS NOT NULL), '[]') AS slots
       FROM canteens c LEFT JOIN regions r ON r.code = c.region_code LEFT JOIN canteen_meal_slots s ON s.canteen_id = c.id
       WHERE c.id = $1 GROUP BY c.id, r.name`,
      [canteenId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as string,
      name: row.name as string,
      ownerUnitId: row.owner_unit_id as string,
      regionCode: row.region_code as string,
      regionName: row.region_name as string,
      active: row.active as boolean,
      latitude: Number(row.latitude),
      longitude: Number(row.longitude),
      radiusM: Number(row.geofence_radius_m),
      slots: row.slots as SlotHours[],
    };
  }

  /** A diner with the unit, read together with the other diners of scans arriving at the same moment. */
  findDiner(staffId: string): Promise<DinerInfo | null> {
    return this.dinerReads.push(staffId.toLowerCase());
  }

  /** Diners by id (lower-case uuids), in the order asked; null where there is none. */
  async findDiners(staffIds: string[]): Promise<(DinerInfo | null)[]> {
    const rows = await this.prepared<Record<string, unknown>>(
      'scan_diners_v1',
      `SELECT s.id, s.name, s.active, s.unit_id, u.name AS unit_name, u.active AS unit_active, u.region_code
       FROM staff s JOIN units u ON u.id = s.unit_id WHERE s.id = ANY($1::uuid[])`,
      [staffIds],
    );
    const byId = new Map<string, DinerInfo>();
    for (const row of rows) {
      byId.set(row.id as string, {
        id: row.id as string,
        name: row.name as string,
        active: row.active as boolean,
        unitId: row.unit_id as string,
        unitName: row.unit_name as string,
        unitActive: row.unit_active as boolean,
        unitRegionCode: row.region_code as string,
      });
    }
    return staffIds.map((id) => byId.get(id) ?? null);
  }

  async findTerminal(terminalId: string): Promise<TerminalInfo | null> {
    const rows = await this.prepared<Record<string, unknown>>(
      'scan_terminal_v1',
      'SELECT id, canteen_id, name, active FROM terminals WHERE id = $1',
      [terminalId],
    );
    const row = rows[0];
    return row ? { id: row.id as string, canteenId: row.canteen_id as string, name: row.name as string, active: row.active as boolean } : null;
  }

  // ── pass keys ─────────────────────────────────────────────────────────────────────────────────────────────

  async findPassKey(canteenId: string): Promise<{ privateKeyPem: string } | null> {
    const rows = (await this.dataSource.query('SELECT private_key_pem FROM canteen_pass_keys WHERE canteen_id = $1', [canteenId])) as {
      private_key_pem: string;
    }[];
    return rows[0] ? { privateKeyPem: rows[0].private_key_pem } : null;
  }

  /** Race-safe: the first writer wins, everyone reads the winner's key afterwards. */
  async insertPassKeyIfAbsent(canteenId: string, kid: string, privateKeyPem: string, publicJwk: object): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO canteen_pass_keys (canteen_id, kid, private_key_pem, public_jwk) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (canteen_id) DO NOTHING`,
      [canteenId, kid, privateKeyPem, JSON.stringify(publicJwk)],
    );
  }

  // ── offline confirmations ─────────────────────────────────────────────────────────────────────────────────

  async findConfirmations(ids: readonly string[]): Promise<Map<string, StoredConfirmation>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      'SELECT confirmation_id, outcome, code, message FROM terminal_confirmations WHERE confirmation_id = ANY($1::uuid[])',
      [ids],
    )) as { confirmation_id: string; outcome: StoredConfirmation['outcome']; code: string | null; message: string | null }[];
    return new Map(rows.map((r) => [r.confirmation_id, { confirmationId: r.confirmation_id, outcome: r.outcome, code: r.code, message: r.message }]));
  }

  /** Claims a confirmation id in the caller's transaction; false when it exists (a concurrent or earlier upload). */
  async claimConfirmation(
    executor: SqlExecutor,
    c: { confirmationId: string; terminalId: string; mealId: string | null; verifiedAt: Date; receivedAt: Date },
  ): Promise<boolean> {
    const rows = (await executor.query(
      `INSERT INTO terminal_confirmations (confirmation_id, terminal_id, meal_id, verified_at, received_at, outcome)
       VALUES ($1, $2, $3, $4, $5, 'refused') ON CONFLICT (confirmation_id) DO NOTHING RETURNING confirmation_id`,
      [c.confirmationId, c.terminalId, c.mealId, c.verifiedAt, c.receivedAt],
    )) as unknown[];
    return rows.length === 1;
  }

  async setConfirmationOutcome(executor: SqlExecutor, confirmationId: string, outcome: StoredConfirmation['outcome'], code: string | null, message: string | null): Promise<void> {
    await executor.query('UPDATE terminal_confirmations SET outcome = $2, code = $3, message = $4 WHERE confirmation_id = $1', [
      confirmationId,
      outcome,
      code,
      message,
    ]);
  }

  transaction<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(manager));
  }
}
