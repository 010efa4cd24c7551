import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MEAL_CODE_CLOCK, MealCodeClock } from './meal-code.clock';
import { MealCode } from './meal-code.entity';
import {
  MealCodeCanteenInactiveConflictException,
  MealCodeCanteenInactiveException,
  MealCodeCanteenNotFoundException,
  MealCodeConcurrentChangeException,
  MealCodeExpiredException,
  MealCodeGraceOutOfRangeException,
  MealCodeNotIssuedException,
  MealCodeRevokedException,
  MealCodeUnknownVersionException,
  MealCodeVersionNotFoundException,
} from './meal-code.exceptions';
import { MEAL_CODE_OPTIONS, MealCodeOptions } from './meal-code.options';
import { MealCodeRenderer } from './meal-code.renderer';
import { CanteenForMealCode, MealCodeRepository } from './meal-code.repository';
import { MealCodeSigner } from './meal-code-signer.service';
import { MealCodeStatus } from './meal-code-status.enum';
import { extractMealCodeToken, toMealCodeText } from './meal-code-text';

/** The outcome of a successful scan check: where the code is, for the geofence check of the scanning step. */
export interface VerifiedMealCode {
  canteenId: string;
  version: number;
  latitude: number;
  longitude: number;
  geofenceRadiusM: number;
  issuedAt: Date;
  /** Active, or superseded but still inside its grace period (`graceUntil`). */
  status: MealCodeStatus.Active | MealCodeStatus.Superseded;
  graceUntil: Date | null;
}

/** One version with its QR text and whether a scan of it would be accepted now. */
export interface MealCodeView {
  code: MealCode;
  text: string;
  usable: boolean;
}

export interface IssueResult extends MealCodeView {
  /** False when issue returned the already active code (idempotent). */
  created: boolean;
}

export interface RevokeResult {
  canteenId: string;
  revokedVersions: number[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNIQUE_VIOLATION = '23505';

function isOneActiveViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } } | null)?.driverError;
  const code = driverError?.code ?? (error as { code?: string } | null)?.code;
  return code === UNIQUE_VIOLATION;
}

/** Issues, rotates, revokes, lists, renders and verifies canteen meal codes (用餐码). */
@Injectable()
export class MealCodeService {
  constructor(
    private readonly repository: MealCodeRepository,
    private readonly signer: MealCodeSigner,
    private readonly renderer: MealCodeRenderer,
    @Inject(MEAL_CODE_OPTIONS) private readonly options: MealCodeOptions,
    @Inject(MEAL_CODE_CLOCK) private readonly clock: MealCodeClock,
  ) {}

  /** The first code of a canteen. Idempotent: when a code is active, returns it unchanged (`created: false`). */
  async issue(canteenId: string): Promise<IssueResult> {
    return this.changeUnderLock(canteenId, async (manager, canteen, now) => {
      const active = await this.repository.findActive(canteenId, manager);
      if (active) return { ...this.view(active, now), created: false };
      const code = await this.insertNextVersion(manager, canteen, now);
      return { ...this.view(code, now), created: true };
    });
  }

  /**
   * A new version; the previous active one becomes superseded and keeps working for `graceSeconds`
   * (default options.defaultGraceSeconds, at most options.maxGraceSeconds). With no active code, just issues.
   */
  async rotate(canteenId: string, graceSeconds?: number): Promise<MealCodeView> {
    const grace = graceSeconds ?? this.options.defaultGraceSeconds;
    if (!Number.isInteger(grace) || grace < 0 || grace > this.options.maxGraceSeconds) {
      throw new MealCodeGraceOutOfRangeException(grace, this.options.maxGraceSeconds);
    }
    return this.changeUnderLock(canteenId, async (manager, canteen, now) => {
      await this.repository.supersedeActive(manager, canteenId, now, new Date(now.getTime() + grace * 1000));
      const code = await this.insertNextVersion(manager, canteen, now);
      return this.view(code, now);
    });
  }

  /** Revokes one version (or all when `version` is null); refused from then on. Revoking a revoked version is a no-op. */
  async revoke(canteenId: string, version: number | null, reason: string): Promise<RevokeResult> {
    return this.changeUnderLock(
      canteenId,
      async (manager, _canteen, now) => {
        if (version !== null && !(await this.repository.findVersion(canteenId, version, manager))) {
          throw new MealCodeVersionNotFoundException(canteenId, version);
        }
        const revokedVersions = await this.repository.revoke(manager, canteenId, version, now, reason.trim());
        return { canteenId, revokedVersions };
      },
      { allowInactiveCanteen: true },
    );
  }

  async list(canteenId: string): Promise<MealCodeView[]> {
    await this.requireCanteen(canteenId);
    const now = this.clock.now();
    return (await this.repository.list(canteenId)).map((code) => this.view(code, now));
  }

  /** The active version, or MEAL_CODE_NOT_ISSUED. */
  async current(canteenId: string): Promise<MealCodeView> {
    await this.requireCanteen(canteenId);
    const active = await this.repository.findActive(canteenId);
    if (!active) throw new MealCodeNotIssuedException(canteenId);
    return this.view(active, this.clock.now());
  }

  async currentPng(canteenId: string): Promise<{ version: number; png: Buffer }> {
    const current = await this.current(canteenId);
    return { version: current.code.version, png: await this.renderer.renderPng(current.text) };
  }

  async currentSvg(canteenId: string): Promise<{ version: number; svg: string }> {
    const current = await this.current(canteenId);
    return { version: current.code.version, svg: await this.renderer.renderSvg(current.text) };
  }

  /** The printable A4 poster (HTML) of the active code. */
  async poster(canteenId: string): Promise<{ version: number; html: string }> {
    const canteen = await this.requireCanteen(canteenId);
    const active = await this.repository.findActive(canteenId);
    if (!active) throw new MealCodeNotIssuedException(canteenId);
    const [regions, slots, qrSvg] = await Promise.all([
      this.repository.regionPath(canteen.regionCode),
      this.repository.mealSlots(canteenId),
      this.renderer.renderSvg(this.textOf(active)),
    ]);
    return { version: active.version, html: this.renderer.renderPoster({ canteen, regions, slots, version: active.version, qrSvg }) };
  }

  /**
   * The check of a scanned text, in order: scheme (MALFORMED), signature/algorithm/issuer/kind (FORGED), claims
   * (MALFORMED), the version is the one we issued (UNKNOWN_VERSION), not revoked (REVOKED), not superseded past its
   * grace (EXPIRED), the canteen is active (CANTEEN_INACTIVE). Throws a MealCodeRefusedException subclass.
   */
  async verifyScannedCode(text: string): Promise<VerifiedMealCode> {
    const token = extractMealCodeToken(text, this.options.acceptedBaseUrls);
    const claims = this.signer.verify(token);
    const found = await this.repository.findVersionWithCanteen(claims.c, claims.v);
    // A token signed by us but not the stored one (e.g. lost an issuing race) is not a code we stand behind.
    if (!found || found.code.token !== token) throw new MealCodeUnknownVersionException(claims.c, claims.v);
    const { code, canteenActive } = found;
    const now = this.clock.now();
    if (code.status === MealCodeStatus.Revoked) throw new MealCodeRevokedException(claims.c, claims.v);
    if (code.status === MealCodeStatus.Superseded && !this.withinGrace(code, now)) throw new MealCodeExpiredException(claims.c, claims.v);
    if (!canteenActive) throw new MealCodeCanteenInactiveException(claims.c);
    return {
      canteenId: code.canteenId,
      version: code.version,
      latitude: claims.lat,
      longitude: claims.lon,
      geofenceRadiusM: claims.r,
      issuedAt: code.issuedAt,
      status: code.status,
      graceUntil: code.graceUntil,
    };
  }

  get publicKeyPem(): string {
    return this.signer.publicKeyPem;
  }

  get publicJwk(): MealCodeSigner['publicJwk'] {
    return this.signer.publicJwk;
  }

  textOf(code: Pick<MealCode, 'token'>): string {
    return toMealCodeText(this.options.publicBaseUrl, code.token);
  }

  private view(code: MealCode, now: Date): MealCodeView {
    const usable = code.status === MealCodeStatus.Active || (code.status === MealCodeStatus.Superseded && this.withinGrace(code, now));
    return { code, text: this.textOf(code), usable };
  }

  private withinGrace(code: MealCode, now: Date): boolean {
    return code.graceUntil !== null && code.graceUntil.getTime() > now.getTime();
  }

  private async requireCanteen(canteenId: string): Promise<CanteenForMealCode> {
    const canteen = UUID.test(canteenId) ? await this.repository.findCanteen(canteenId) : null;
    if (!canteen) throw new MealCodeCanteenNotFoundException(canteenId);
    return canteen;
  }

  private async insertNextVersion(manager: EntityManager, canteen: CanteenForMealCode, now: Date): Promise<MealCode> {
    const version = (await this.repository.maxVersion(manager, canteen.id)) + 1;
    const token = this.signer.sign(
      { c: canteen.id, v: version, lat: canteen.latitude, lon: canteen.longitude, r: canteen.geofenceRadiusM },
      now,
    );
    return this.repository.insertActive(manager, { canteenId: canteen.id, version, token, issuedAt: now });
  }

  /**
   * Runs a change of a canteen's codes in one transaction holding the canteen row lock, so concurrent issues,
   * rotations and revocations of one canteen run one after the other (never two active codes, versions contiguous).
   */
  private async changeUnderLock<T>(
    canteenId: string,
    work: (manager: EntityManager, canteen: CanteenForMealCode, now: Date) => Promise<T>,
    { allowInactiveCanteen = false }: { allowInactiveCanteen?: boolean } = {},
  ): Promise<T> {
    if (!UUID.test(canteenId)) throw new MealCodeCanteenNotFoundException(canteenId);
    try {
      return await this.repository.transaction(async (manager) => {
        const canteen = await this.repository.lockCanteen(manager, canteenId);
        if (!canteen) throw new MealCodeCanteenNotFoundException(canteenId);
        if (!canteen.active && !allowInactiveCanteen) throw new MealCodeCanteenInactiveConflictException(canteenId);
        // The clock is read under the lock, so issue times follow version order.
        return work(manager, canteen, this.clock.now());
      });
    } catch (error) {
      if (isOneActiveViolation(error)) throw new MealCodeConcurrentChangeException(canteenId);
      throw error;
    }
  }
}
