import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Principal } from '@meal/auth';
import { AppConfig } from '@meal/config';
import { createEvent } from '@meal/contracts';
import { OutboxWriter } from '@meal/kafka';
import { DomainException, MetricsService } from '@meal/platform';
import { MealActivityBus } from '../scanning/meal-activity.bus';
import { CanteenInfo, MealRecord, MealRepository, TerminalInfo } from '../scanning/meal.repository';
import { assertPassNotExpired, decodePass, DecodedPass, PASS_ALGORITHM, PASS_KIND, verifyPassSignature } from '../scanning/meal-pass.signer';
import { openSlotAt, shanghaiDate, shanghaiTime, slotLabel } from '../scanning/meal-time';
import { PassKeyService } from '../scanning/pass-key.service';
import { SCAN_CLOCK, ScanClock } from '../scanning/scan.clock';
import { ScanDirectory } from '../scanning/scan-directory.service';
import {
  MealNotFoundException,
  MealVoidedException,
  PassAlreadyUsedException,
  PassForgedException,
  PassMalformedException,
  PassWrongCanteenException,
  PassWrongSlotException,
  ScanErrorCode,
  TerminalInactiveException,
} from '../scanning/scanning.exceptions';
import { PassKeyResponseDto, SlotSummaryDto, TerminalSummaryDto } from './dto/terminal.dto';

export interface TerminalContext {
  terminal: TerminalInfo;
  canteen: CanteenInfo;
}

export interface Verification {
  meal: MealRecord;
  dinerName: string;
  unitName: string;
  verifiedAt: Date;
}

export interface OfflineInput {
  confirmationId: string;
  pass: string;
  verifiedAt: string;
}

export interface OfflineResult {
  confirmationId: string;
  outcome: 'accepted' | 'duplicate' | 'refused';
  code?: string;
  message?: string;
}

/** An offline verifiedAt may be at most this far in the future of the server clock. */
const OFFLINE_CLOCK_SKEW_SECONDS = 120;

/**
 * 终端核销: online verification (a pass is consumed exactly once: UPDATE … WHERE status = 'issued' with the
 * `meal.verified` outbox row in one statement), offline confirmations (re-verified, idempotent per confirmation id,
 * one verification and one event per meal whatever the number of uploads), the canteen's public pass key, and
 * today's counts. Charging happens at scan time, never here.
 */
@Injectable()
export class TerminalService {
  private readonly verifications: Counter<'result'>;

  constructor(
    private readonly repository: MealRepository,
    private readonly directory: ScanDirectory,
    private readonly passKeys: PassKeyService,
    private readonly outbox: OutboxWriter,
    private readonly bus: MealActivityBus,
    private readonly config: AppConfig,
    @Inject(SCAN_CLOCK) private readonly clock: ScanClock,
    metrics: MetricsService,
  ) {
    this.verifications = metrics.counter('pass_verifications_total', 'Pass verifications by result (accepted or the refusal code; offline_* for uploads)', ['result']);
  }

  /** The calling terminal (active, bound to the token's canteen) and its canteen; 403 TERMINAL_INACTIVE otherwise. */
  async requireTerminal(principal: Principal): Promise<TerminalContext> {
    const terminal = principal.kind === 'terminal' ? await this.directory.terminal(principal.subject) : null;
    if (!terminal || !terminal.active || terminal.canteenId !== principal.canteenId?.toLowerCase()) throw new TerminalInactiveException();
    const canteen = await this.directory.canteen(terminal.canteenId);
    if (!canteen) throw new TerminalInactiveException();
    return { terminal, canteen };
  }

  async verify(principal: Principal, passText: string): Promise<Verification> {
    const { terminal, canteen } = await this.requireTerminal(principal);
    const now = this.clock.now();
    try {
      const decoded = await this.checkPass(passText, canteen);
      assertPassNotExpired(decoded.claims, now);
      const slot = openSlotAt(canteen.slots, now);
      const today = shanghaiDate(now);
      if (!slot || slot.slot !== decoded.claims.s || decoded.claims.md !== today) {
        throw new PassWrongSlotException(decoded.claims.md, slotLabel(decoded.claims.s), slot ? `是 ${today} ${slotLabel(slot.slot)}` : '不在供餐时间');
      }
      const meal = await this.consume(decoded, terminal, now, false);
      const verification = { meal, dinerName: decoded.claims.n, unitName: decoded.claims.u, verifiedAt: now };
      this.verifications.inc({ result: 'accepted' });
      this.emitAccepted(canteen.id, verification, false);
      return verification;
    } catch (error) {
      if (error instanceof DomainException) {
        this.verifications.inc({ result: error.code.toLowerCase() });
        this.bus.emit({ kind: 'verification', canteenId: canteen.id, result: error.code, message: error.message, at: now.toISOString() });
      }
      throw error;
    }
  }

  async offlineConfirmations(principal: Principal, items: readonly OfflineInput[]): Promise<OfflineResult[]> {
    const { terminal, canteen } = await this.requireTerminal(principal);
    const stored = await this.repository.findConfirmations([...new Set(items.map((i) => i.confirmationId.toLowerCase()))]);
    const results: OfflineResult[] = [];
    for (const item of items) {
      const id = item.confirmationId.toLowerCase();
      const known = stored.get(id);
      if (known) {
        results.push(compact({ confirmationId: id, outcome: known.outcome, code: known.code, message: known.message }));
        continue;
      }
      const result = await this.confirmOne(id, item, terminal, canteen);
      stored.set(id, { confirmationId: id, outcome: result.outcome, code: result.code ?? null, message: result.message ?? null });
      this.verifications.inc({ result: `offline_${result.outcome}` });
      results.push(result);
    }
    return results;
  }

  async passKey(principal: Principal): Promise<PassKeyResponseDto> {
    const { canteen } = await this.requireTerminal(principal);
    const key = await this.passKeys.keyFor(canteen.id);
    return { canteenId: canteen.id, kid: key.kid, alg: PASS_ALGORITHM, typ: PASS_KIND, jwk: key.publicJwk, passTtlSeconds: this.config.scan.passTtlSeconds };
  }

  async summary(principal: Principal): Promise<TerminalSummaryDto> {
    const { canteen } = await this.requireTerminal(principal);
    return this.summaryOf(canteen);
  }

  /** Today's (Asia/Shanghai) counts per slot of a canteen, every configured slot listed. */
  async summaryOf(canteen: CanteenInfo): Promise<TerminalSummaryDto> {
    const now = this.clock.now();
    const mealDate = shanghaiDate(now);
    const counts = await this.repository.countBySlot(canteen.id, mealDate);
    const slots: SlotSummaryDto[] = canteen.slots.map((s) => {
      const c = counts.find((x) => x.slot === s.slot);
      return { slot: s.slot, slotLabel: slotLabel(s.slot), scanned: c?.scanned ?? 0, verified: c?.verified ?? 0, opensAt: s.opensAt.slice(0, 5), closesAt: s.closesAt.slice(0, 5) };
    });
    for (const c of counts) {
      if (!slots.some((s) => s.slot === c.slot)) slots.push({ slot: c.slot, slotLabel: slotLabel(c.slot), scanned: c.scanned, verified: c.verified });
    }
    return { mealDate, canteenId: canteen.id, canteenName: canteen.name, currentSlot: openSlotAt(canteen.slots, now)?.slot ?? null, slots };
  }

  /** Shape, signature (with the key of the canteen the pass names) and canteen of a pass. */
  private async checkPass(passText: string, canteen: CanteenInfo): Promise<DecodedPass> {
    const decoded = decodePass(passText);
    const key = await this.passKeys.existingKey(decoded.claims.c);
    if (!key) throw new PassForgedException('no pass key for the canteen it names');
    verifyPassSignature(decoded, key);
    if (decoded.claims.c !== canteen.id) {
      const other = await this.directory.canteen(decoded.claims.c);
      throw new PassWrongCanteenException(other?.name ?? '其他食堂');
    }
    return decoded;
  }

  /** Online consumption: exactly once; a second time says when and where it was used. */
  private async consume(decoded: DecodedPass, terminal: TerminalInfo, at: Date, offline: boolean): Promise<MealRecord> {
    const { claims } = decoded;
    const event = createEvent(
      'meal.verified',
      1,
      claims.d,
      { mealId: claims.m, dinerId: claims.d, canteenId: claims.c, terminalId: terminal.id, verifiedAt: at.toISOString(), offline },
      { occurredAt: at },
    );
    const verified = await this.repository.verifyMeal(claims.m, at, terminal.id, offline, this.outbox.rowOf(event));
    if (verified) return verified;
    const meal = await this.repository.findById(claims.m);
    throw await this.refusalFor(meal, claims.m);
  }

  private async refusalFor(meal: MealRecord | null, mealId: string): Promise<DomainException> {
    if (!meal) return new MealNotFoundException(mealId);
    if (meal.status === 'voided') return new MealVoidedException(meal.voidedAt, meal.voidReason);
    const usedAt = meal.verifiedAt ?? new Date(0);
    const by = meal.verifiedByTerminalId ? await this.directory.terminal(meal.verifiedByTerminalId) : null;
    return new PassAlreadyUsedException(usedAt, shanghaiTime(usedAt), meal.verifiedByTerminalId, by?.name ?? null);
  }

  private async confirmOne(id: string, item: OfflineInput, terminal: TerminalInfo, canteen: CanteenInfo): Promise<OfflineResult> {
    const receivedAt = this.clock.now();
    const verifiedAt = new Date(item.verifiedAt);
    let decoded: DecodedPass | undefined;
    let refusal: DomainException | undefined;
    try {
      if (Number.isNaN(verifiedAt.getTime())) throw new PassMalformedException('verifiedAt is not a time');
      if (verifiedAt.getTime() > receivedAt.getTime() + OFFLINE_CLOCK_SKEW_SECONDS * 1000) throw new PassMalformedException('verifiedAt lies in the future');
      decoded = await this.checkPass(item.pass, canteen);
      // Offline, what counts is whether the pass was valid when the terminal accepted it.
      assertPassNotExpired(decoded.claims, verifiedAt);
      if (verifiedAt.getTime() < (decoded.claims.iat - OFFLINE_CLOCK_SKEW_SECONDS) * 1000) throw new PassMalformedException('verifiedAt is before the pass was issued');
    } catch (error) {
      if (!(error instanceof DomainException)) throw error;
      refusal = error;
    }
    const mealId = decoded?.claims.m ?? null;
    const safeVerifiedAt = Number.isNaN(verifiedAt.getTime()) ? receivedAt : verifiedAt;
    let accepted: Verification | undefined;
    const outcome = await this.repository.transaction(async (executor): Promise<OfflineResult | null> => {
      const claimed = await this.repository.claimConfirmation(executor, { confirmationId: id, terminalId: terminal.id, mealId, verifiedAt: safeVerifiedAt, receivedAt });
      if (!claimed) return null;
      let result: OfflineResult;
      if (refusal || !decoded) {
        result = { confirmationId: id, outcome: 'refused', code: refusal?.code ?? ScanErrorCode.PassMalformed, message: refusal?.message };
      } else {
        const { claims } = decoded;
        const event = createEvent(
          'meal.verified',
          1,
          claims.d,
          { mealId: claims.m, dinerId: claims.d, canteenId: claims.c, terminalId: terminal.id, verifiedAt: safeVerifiedAt.toISOString(), offline: true },
          { occurredAt: receivedAt },
        );
        const verified = await this.repository.verifyMeal(claims.m, safeVerifiedAt, terminal.id, true, this.outbox.rowOf(event), executor);
        if (verified) {
          result = { confirmationId: id, outcome: 'accepted' };
          accepted = { meal: verified, dinerName: claims.n, unitName: claims.u, verifiedAt: safeVerifiedAt };
        } else {
          const meal = await this.repository.findById(claims.m, executor);
          if (meal?.status === 'verified') {
            const usedAt = meal.verifiedAt ?? safeVerifiedAt;
            result = { confirmationId: id, outcome: 'duplicate', code: ScanErrorCode.PassAlreadyUsed, message: `该凭证已于 ${shanghaiTime(usedAt)} 核销 (already verified at ${usedAt.toISOString()})` };
          } else {
            const refused = await this.refusalFor(meal, claims.m);
            result = { confirmationId: id, outcome: 'refused', code: refused.code, message: refused.message };
          }
        }
      }
      await this.repository.setConfirmationOutcome(executor, id, result.outcome, result.code ?? null, result.message ?? null);
      return result;
    });
    // Pushed to the live page only once committed.
    if (accepted) this.emitAccepted(canteen.id, accepted, true);
    if (outcome) return outcome;
    // Uploaded concurrently by another request: answer what that one decided.
    const stored = (await this.repository.findConfirmations([id])).get(id);
    if (!stored) throw new Error(`confirmation ${id} vanished`);
    return compact({ confirmationId: id, outcome: stored.outcome, code: stored.code, message: stored.message });
  }

  private emitAccepted(canteenId: string, v: Verification, offline: boolean): void {
    this.bus.emit({
      kind: 'verification',
      canteenId,
      result: 'accepted',
      mealId: v.meal.id,
      dinerName: v.dinerName,
      unitName: v.unitName,
      slot: v.meal.slot,
      slotLabel: slotLabel(v.meal.slot),
      priceFen: v.meal.priceFen,
      payer: v.meal.payer,
      mealDate: v.meal.mealDate,
      at: v.verifiedAt.toISOString(),
      offline,
    });
  }
}

function compact(r: { confirmationId: string; outcome: OfflineResult['outcome']; code: string | null; message: string | null }): OfflineResult {
  const result: OfflineResult = { confirmationId: r.confirmationId, outcome: r.outcome };
  if (r.code) result.code = r.code;
  if (r.message) result.message = r.message;
  return result;
}
