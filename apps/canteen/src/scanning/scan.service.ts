import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { toString as qrToString } from 'qrcode';
import { Principal, Role, assertCanteenScope } from '@meal/auth';
import { AppConfig } from '@meal/config';
import { createEvent } from '@meal/contracts';
import { OutboxWriter } from '@meal/kafka';
import { DomainException, MetricsService } from '@meal/platform';
import { MealCodeService, VerifiedMealCode } from '../meal-code/meal-code.service';
import { MealActivityBus } from './meal-activity.bus';
import { CanteenInfo, DinerInfo, MealListItem, MealRecord, MealRepository, NewMeal } from './meal.repository';
import { PASS_KIND, signPass } from './meal-pass.signer';
import { describeSlotHours, haversineMeters, openSlotAt, shanghaiDate, shanghaiTime, slotLabel } from './meal-time';
import { PassKeyService } from './pass-key.service';
import { SCAN_CLOCK, ScanClock } from './scan.clock';
import { isUuid, ScanDirectory } from './scan-directory.service';
import {
  DinerInactiveException,
  DinerNotFoundException,
  IdempotencyKeyInvalidException,
  IdempotencyKeyReusedException,
  MealAlreadyTakenException,
  MealAlreadyVoidedException,
  MealNotFoundException,
  MealVoidedException,
  NoMealSlotOpenException,
  OutsideGeofenceException,
  ScanCanteenInactiveException,
  ScanCanteenNotFoundException,
  ScanConflictException,
} from './scanning.exceptions';

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;
/** The phone's reported accuracy counts towards the geofence up to this many metres. */
export const MAX_ACCURACY_ALLOWANCE_M = 100;

export interface ScanInput {
  code: string;
  latitude: number;
  longitude: number;
  accuracyMeters?: number;
  purpose?: 'official' | 'personal';
}

export interface IssuedPass {
  token: string;
  expiresAt: Date;
}

export interface ScanResult {
  replayed: boolean;
  meal: MealRecord;
  diner: DinerInfo;
  canteen: CanteenInfo;
  pass: IssuedPass;
}

export interface MealPassResult {
  meal: MealRecord;
  canteenName: string;
  diner: DinerInfo;
  pass: IssuedPass;
}

/** SHA-256 of the canonical request (fixed field order, defaults applied): tells a retry from a reused key. */
export function scanRequestHash(input: ScanInput): string {
  const canonical = JSON.stringify([input.code.trim(), input.latitude, input.longitude, input.accuracyMeters ?? null, input.purpose ?? 'personal']);
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * 扫码就餐: checks a scan in the order the issue gives (meal code, canteen active, a slot open now, diner active,
 * geofence), prices it (own staff vs visitor) and decides who pays, then writes the meal and its `meal.scanned`
 * outbox event in ONE statement (MealRepository.insertScannedMeal / SCAN_INSERT_SQL); the one-meal-per-slot rule
 * and idempotency are enforced by unique indexes, so concurrent taps yield one meal. Signs the pass.
 */
@Injectable()
export class ScanService {
  private readonly scans: Counter<'result'>;
  private readonly duration: Histogram<'result'>;

  constructor(
    private readonly repository: MealRepository,
    private readonly directory: ScanDirectory,
    private readonly passKeys: PassKeyService,
    private readonly mealCodes: MealCodeService,
    private readonly outbox: OutboxWriter,
    private readonly bus: MealActivityBus,
    private readonly config: AppConfig,
    @Inject(SCAN_CLOCK) private readonly clock: ScanClock,
    metrics: MetricsService,
  ) {
    this.scans = metrics.counter('scans_total', 'Scans by result (created, replayed or the refusal code)', ['result']);
    this.duration = metrics.histogram('scan_duration_seconds', 'Time to handle a scan, by result', ['result'], [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]);
  }

  async scan(principal: Principal, idempotencyKey: string | undefined, input: ScanInput): Promise<ScanResult> {
    const started = process.hrtime.bigint();
    let result = 'error';
    try {
      const outcome = await this.scanInner(principal, idempotencyKey, input);
      result = outcome.replayed ? 'replayed' : 'created';
      return outcome;
    } catch (error) {
      result = error instanceof DomainException ? error.code.toLowerCase() : 'error';
      throw error;
    } finally {
      this.scans.inc({ result });
      this.duration.observe({ result }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async scanInner(principal: Principal, idempotencyKey: string | undefined, input: ScanInput): Promise<ScanResult> {
    if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) throw new IdempotencyKeyInvalidException();
    const requestHash = scanRequestHash(input);
    const now = this.clock.now();
    let prepared: { meal: NewMeal; diner: DinerInfo; canteen: CanteenInfo };
    try {
      prepared = await this.prepare(principal, input, now, idempotencyKey, requestHash);
    } catch (error) {
      // A retry of a scan that went through must get its meal even if, say, the slot closed in between.
      if (error instanceof DomainException && isUuid(principal.subject)) {
        const earlier = await this.repository.findByIdempotencyKey(principal.subject, idempotencyKey);
        if (earlier) return this.replay(earlier, requestHash, now);
      }
      throw error;
    }
    const { meal, diner, canteen } = prepared;
    const event = createEvent(
      'meal.scanned',
      1,
      diner.id,
      {
        mealId: meal.id,
        dinerId: diner.id,
        dinerUnitId: diner.unitId,
        dinerRegionCode: diner.unitRegionCode,
        canteenId: canteen.id,
        canteenOwnerUnitId: canteen.ownerUnitId,
        canteenRegionCode: canteen.regionCode,
        slot: meal.slot as 'breakfast' | 'lunch' | 'dinner',
        mealDate: meal.mealDate,
        scannedAt: meal.scannedAt.toISOString(),
        priceFen: meal.priceFen,
        payer: meal.payer,
        paymentKind: meal.payer === 'unit' ? 'unit-settlement' : 'personal-wallet',
        scanLatitude: meal.latitude,
        scanLongitude: meal.longitude,
        distanceMeters: meal.distanceM,
        withinGeofence: meal.withinGeofence,
        codeVersion: meal.codeVersion,
      },
      { occurredAt: meal.scannedAt },
    );
    const inserted = await this.repository.insertScannedMeal(meal, this.outbox.rowOf(event));
    if (!inserted) return this.resolveConflict(meal, requestHash, now);
    const record = this.recordOf(meal);
    this.bus.emit({
      kind: 'scan',
      canteenId: canteen.id,
      result: 'scanned',
      mealId: meal.id,
      dinerName: diner.name,
      unitName: diner.unitName,
      slot: meal.slot,
      slotLabel: slotLabel(meal.slot),
      priceFen: meal.priceFen,
      payer: meal.payer,
      mealDate: meal.mealDate,
      at: meal.scannedAt.toISOString(),
    });
    return { replayed: false, meal: record, diner, canteen, pass: await this.issuePass(record, diner, now) };
  }

  /** Every check before the write, in the documented order; returns the meal to insert. */
  private async prepare(
    principal: Principal,
    input: ScanInput,
    now: Date,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<{ meal: NewMeal; diner: DinerInfo; canteen: CanteenInfo }> {
    const code = await this.verifyCode(input.code);
    const canteen = await this.directory.canteen(code.canteenId);
    if (!canteen) throw new ScanCanteenNotFoundException(code.canteenId);
    if (!canteen.active) throw new ScanCanteenInactiveException(canteen.name);
    const slot = openSlotAt(canteen.slots, now);
    if (!slot) throw new NoMealSlotOpenException(canteen.name, describeSlotHours(canteen.slots));
    if (principal.kind !== 'staff') throw new DinerNotFoundException();
    const diner = await this.directory.diner(principal.subject);
    if (!diner) throw new DinerNotFoundException();
    if (!diner.active) throw new DinerInactiveException('diner');
    if (!diner.unitActive) throw new DinerInactiveException('unit');
    const distance = Math.round(haversineMeters(code.latitude, code.longitude, input.latitude, input.longitude) * 10) / 10;
    const allowed = code.geofenceRadiusM + this.config.scan.geofenceToleranceM + Math.min(input.accuracyMeters ?? 0, MAX_ACCURACY_ALLOWANCE_M);
    const within = distance <= allowed;
    if (!within && this.config.scan.geofencePolicy === 'refuse') throw new OutsideGeofenceException(distance, allowed, canteen.name);
    const isVisitor = diner.unitId !== canteen.ownerUnitId;
    const purpose = input.purpose ?? 'personal';
    return {
      diner,
      canteen,
      meal: {
        id: randomUUID(),
        dinerId: diner.id,
        dinerUnitId: diner.unitId,
        canteenId: canteen.id,
        canteenOwnerUnitId: canteen.ownerUnitId,
        mealDate: shanghaiDate(now),
        slot: slot.slot,
        priceFen: isVisitor ? slot.visitorPriceFen : slot.staffPriceFen,
        // 公务结算: a visitor from another unit on official business is paid for by the own unit through settlement.
        payer: isVisitor && purpose === 'official' ? 'unit' : 'self',
        isVisitor,
        purpose,
        scannedAt: now,
        latitude: input.latitude,
        longitude: input.longitude,
        accuracyM: input.accuracyMeters ?? null,
        distanceM: distance,
        withinGeofence: within,
        codeVersion: code.version,
        idempotencyKey,
        requestHash,
      },
    };
  }

  /** MealCodeService.verifyScannedCode, with successes cached briefly (refusals are never cached). */
  private async verifyCode(text: string): Promise<VerifiedMealCode> {
    const key = text.trim();
    const cached = await this.directory.mealCodes.get(key, () => this.mealCodes.verifyScannedCode(key));
    if (!cached) throw new Error('meal code verification returned nothing');
    return cached;
  }

  private async resolveConflict(meal: NewMeal, requestHash: string, now: Date): Promise<ScanResult> {
    const { byKey, bySlot } = await this.repository.findScanConflict(meal.dinerId, meal.idempotencyKey, meal.mealDate, meal.slot);
    if (byKey) return this.replay(byKey, requestHash, now);
    if (bySlot) {
      throw new MealAlreadyTakenException(bySlot.canteenName, bySlot.scannedAt, shanghaiTime(bySlot.scannedAt), slotLabel(bySlot.slot), bySlot.id);
    }
    // The conflicting meal was voided meanwhile: the caller may simply retry.
    throw new ScanConflictException();
  }

  private async replay(earlier: MealRecord, requestHash: string, now: Date): Promise<ScanResult> {
    if (earlier.requestHash !== requestHash) throw new IdempotencyKeyReusedException();
    const [diner, canteen] = await Promise.all([this.directory.diner(earlier.dinerId), this.directory.canteen(earlier.canteenId)]);
    if (!diner || !canteen) throw new ScanConflictException();
    return { replayed: true, meal: earlier, diner, canteen, pass: await this.issuePass(earlier, diner, now) };
  }

  private recordOf(meal: NewMeal): MealRecord {
    return {
      id: meal.id,
      dinerId: meal.dinerId,
      dinerUnitId: meal.dinerUnitId,
      canteenId: meal.canteenId,
      canteenOwnerUnitId: meal.canteenOwnerUnitId,
      mealDate: meal.mealDate,
      slot: meal.slot,
      priceFen: meal.priceFen,
      payer: meal.payer,
      isVisitor: meal.isVisitor,
      purpose: meal.purpose,
      scannedAt: meal.scannedAt,
      distanceM: meal.distanceM,
      withinGeofence: meal.withinGeofence,
      codeVersion: meal.codeVersion,
      idempotencyKey: meal.idempotencyKey,
      requestHash: meal.requestHash,
      status: 'issued',
      verifiedAt: null,
      verifiedByTerminalId: null,
      verifiedOffline: false,
      voidedAt: null,
      voidReason: null,
      voidIdempotencyKey: null,
    };
  }

  /** A fresh short-lived pass for a meal, signed with its canteen's key. */
  async issuePass(meal: MealRecord, diner: Pick<DinerInfo, 'name' | 'unitName'>, now: Date = this.clock.now()): Promise<IssuedPass> {
    const key = await this.passKeys.keyFor(meal.canteenId);
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.config.scan.passTtlSeconds;
    const token = signPass(key, {
      kind: PASS_KIND,
      m: meal.id,
      d: meal.dinerId,
      c: meal.canteenId,
      s: meal.slot,
      md: meal.mealDate,
      n: diner.name,
      u: diner.unitName,
      p: meal.priceFen,
      iat,
      exp,
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** GET /meals/mine. */
  async listMine(principal: Principal, skip: number, take: number): Promise<{ items: MealListItem[]; total: number }> {
    if (!isUuid(principal.subject)) return { items: [], total: 0 };
    return this.repository.listByDiner(principal.subject, skip, take);
  }

  /** A fresh pass for the diner's own meal (not voided). Verified meals still get one, so the page can show 已核销. */
  async passForOwnMeal(principal: Principal, mealId: string): Promise<MealPassResult> {
    const meal = await this.repository.findById(mealId);
    if (!meal || meal.dinerId !== principal.subject.toLowerCase()) throw new MealNotFoundException(mealId);
    if (meal.status === 'voided') throw new MealVoidedException(meal.voidedAt, meal.voidReason);
    const [diner, canteen] = await Promise.all([this.directory.diner(meal.dinerId), this.directory.canteen(meal.canteenId)]);
    if (!diner) throw new DinerNotFoundException();
    return { meal, canteenName: canteen?.name ?? '', diner, pass: await this.issuePass(meal, diner) };
  }

  async passSvg(principal: Principal, mealId: string): Promise<string> {
    const { pass } = await this.passForOwnMeal(principal, mealId);
    return qrToString(pass.token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  /**
   * 作废: issued or verified → voided with a `meal.voided` outbox event (refund = price) in one statement.
   * Idempotent on the key; a terminal may void meals of its own canteen only.
   */
  async voidMeal(principal: Principal, mealId: string, idempotencyKey: string | undefined, reason: string): Promise<{ meal: MealRecord; replayed: boolean }> {
    if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) throw new IdempotencyKeyInvalidException();
    const meal = await this.repository.findById(mealId);
    if (!meal) throw new MealNotFoundException(mealId);
    if (!principal.roles.includes(Role.Admin)) assertCanteenScope(principal, meal.canteenId);
    if (meal.status === 'voided') {
      if (meal.voidIdempotencyKey === idempotencyKey) return { meal, replayed: true };
      throw new MealAlreadyVoidedException(meal.voidedAt);
    }
    const now = this.clock.now();
    const trimmed = reason.trim();
    const event = createEvent(
      'meal.voided',
      1,
      meal.dinerId,
      { mealId: meal.id, dinerId: meal.dinerId, canteenId: meal.canteenId, reason: trimmed, voidedAt: now.toISOString(), refundFen: meal.priceFen },
      { occurredAt: now },
    );
    const voided = await this.repository.voidMeal(meal.id, now, trimmed, idempotencyKey, this.outbox.rowOf(event));
    if (voided) return { meal: voided, replayed: false };
    const current = await this.repository.findById(mealId);
    if (current?.status === 'voided' && current.voidIdempotencyKey === idempotencyKey) return { meal: current, replayed: true };
    throw new MealAlreadyVoidedException(current?.voidedAt ?? null);
  }
}
