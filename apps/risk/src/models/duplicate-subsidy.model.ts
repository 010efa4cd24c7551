import { ClaimFact, MealFact, RiskContext, Trigger } from '../facts/fact.types';
import { daysOf, dinerLabel, mealEvidence, SLOT_LABELS, yuan, canteenName } from './model-format';
import { ThresholdReader } from './threshold-parsing';
import { EvidenceItem, ModelSettings, WarningDraft, WarningModel } from './warning-model';

export interface DuplicateSubsidyThresholds {
  /** Count claims still `submitted` (not only `approved`). Revoked claims never count. */
  includeSubmittedClaims: boolean;
  /** Two claims fire when their trip ranges share at least this many days. */
  minOverlapDays: number;
}

const STATUS_LABELS: Record<ClaimFact['status'], string> = { submitted: '已提交', approved: '已审批', revoked: '已撤销' };

export function claimEvidence(claim: ClaimFact, extra: Record<string, unknown> = {}): EvidenceItem {
  return {
    kind: 'allowance-claim',
    ref: claim.claimId,
    eventId: claim.eventId,
    summary: `差旅伙食补助申领${claim.claimId}：${claim.tripStart}至${claim.tripEnd}（${claim.days}天，${yuan(claim.allowanceFen)}，${STATUS_LABELS[claim.status]}）`,
    occurredAt: claim.occurredAt,
    date: claim.tripStart,
    amountFen: claim.allowanceFen,
    details: { tripStart: claim.tripStart, tripEnd: claim.tripEnd, days: claim.days, status: claim.status, destinationRegionCode: claim.destinationRegionCode, ...extra },
  };
}

/**
 * 重复领补: a unit-paid meal on a day inside a non-revoked allowance claim of the same diner (either arrival order),
 * and two non-revoked claims of one diner whose trip ranges overlap (the warning lists the overlapping days).
 */
export class DuplicateSubsidyModel implements WarningModel<DuplicateSubsidyThresholds> {
  readonly key = 'duplicate-subsidy';
  readonly version = '1';
  readonly title = '重复领补';
  readonly description = 'A unit-paid meal on a day covered by the diner\'s travel meal allowance claim; two claims of one diner with overlapping trips.';
  readonly triggers = ['meal', 'claim'] as const;
  readonly defaultThresholds: DuplicateSubsidyThresholds = { includeSubmittedClaims: true, minOverlapDays: 1 };

  parseThresholds(raw: Record<string, unknown>) {
    const r = new ThresholdReader(raw, ['includeSubmittedClaims', 'minOverlapDays']);
    return r.result<DuplicateSubsidyThresholds>({ includeSubmittedClaims: r.boolean('includeSubmittedClaims'), minOverlapDays: r.integer('minOverlapDays', 1, 366) });
  }

  async evaluate(trigger: Trigger, context: RiskContext, settings: ModelSettings<DuplicateSubsidyThresholds>): Promise<WarningDraft[]> {
    const counts = (c: ClaimFact): boolean => c.status === 'approved' || (c.status === 'submitted' && settings.thresholds.includeSubmittedClaims);
    if (trigger.kind === 'meal') {
      const { meal } = trigger;
      if (meal.voidedAt || meal.payer !== 'unit') return [];
      const claims = (await context.claimsIntersecting(meal.dinerId, meal.mealDate, meal.mealDate)).filter(counts);
      return Promise.all(claims.map((claim) => this.mealAndClaim(context, settings, meal, claim, meal.dinerRegionCode)));
    }
    if (trigger.kind !== 'claim') return [];
    const { claim } = trigger;
    if (!counts(claim)) return [];
    const drafts: WarningDraft[] = [];
    const unit = await context.unit(claim.dinerUnitId);
    const meals = await context.unitPaidMealsBetween(claim.dinerId, claim.tripStart, claim.tripEnd);
    for (const meal of meals) drafts.push(await this.mealAndClaim(context, settings, meal, claim, unit?.regionCode ?? meal.dinerRegionCode));
    const others = (await context.claimsIntersecting(claim.dinerId, claim.tripStart, claim.tripEnd)).filter((c) => c.claimId !== claim.claimId && counts(c));
    for (const other of others) {
      const from = claim.tripStart > other.tripStart ? claim.tripStart : other.tripStart;
      const to = claim.tripEnd < other.tripEnd ? claim.tripEnd : other.tripEnd;
      const overlap = from <= to ? daysOf(from, to) : [];
      if (overlap.length < settings.thresholds.minOverlapDays) continue;
      const [a, b] = [claim, other].sort((x, y) => x.claimId.localeCompare(y.claimId));
      const who = await dinerLabel(context, claim.dinerId, claim.dinerUnitId);
      const shown = overlap.length > 10 ? `${overlap.slice(0, 10).join('、')}等` : overlap.join('、');
      drafts.push({
        dedupeKey: `dup-subsidy:claims:${a.claimId}:${b.claimId}`,
        severity: settings.severity,
        subjectType: 'diner',
        subjectId: claim.dinerId,
        subjectName: who,
        regionCode: unit?.regionCode ?? claim.destinationRegionCode,
        businessDate: from,
        evidence: [claimEvidence(a, { overlappingDays: overlap }), claimEvidence(b, { overlappingDays: overlap })],
        explanation: `${who}的两笔差旅伙食补助申领行程重叠${overlap.length}天（${shown}）：${a.claimId} ${a.tripStart}至${a.tripEnd}，${b.claimId} ${b.tripStart}至${b.tripEnd}`,
      });
    }
    return drafts;
  }

  private async mealAndClaim(
    context: RiskContext,
    settings: ModelSettings<DuplicateSubsidyThresholds>,
    meal: MealFact,
    claim: ClaimFact,
    regionCode: string,
  ): Promise<WarningDraft> {
    const who = await dinerLabel(context, meal.dinerId, meal.dinerUnitId);
    const canteen = await canteenName(context, meal.canteenId);
    return {
      dedupeKey: `dup-subsidy:meal:${meal.mealId}:${claim.claimId}`,
      severity: settings.severity,
      subjectType: 'diner',
      subjectId: meal.dinerId,
      subjectName: who,
      regionCode,
      businessDate: meal.mealDate,
      evidence: [await mealEvidence(context, meal), claimEvidence(claim)],
      explanation: `${who}于${meal.mealDate}${SLOT_LABELS[meal.slot]}在${canteen}公务结算就餐${yuan(meal.priceFen)}，同日已申领差旅伙食补助（${claim.claimId}，${claim.tripStart}至${claim.tripEnd}）`,
    };
  }
}
