import { RiskContext, Trigger } from '../facts/fact.types';
import { addDays, mealEvidence, unitName } from './model-format';
import { ThresholdReader } from './threshold-parsing';
import { ModelSettings, WarningDraft, WarningModel } from './warning-model';

export interface UnusualFlowThresholds {
  /** A day's visits must exceed this count whatever the baseline. */
  minCount: number;
  /** …and exceed factor × the trailing daily mean. */
  factor: number;
  /** Days of the trailing baseline (before the day). */
  baselineDays: number;
}

const MAX_EVIDENCE_MEALS = 50;

/**
 * 异常聚集: staff of one unit eating at another unit's canteens on one day far above the pair's baseline:
 * visits > max(minCount, factor × trailing daily mean over baselineDays).
 */
export class UnusualFlowModel implements WarningModel<UnusualFlowThresholds> {
  readonly key = 'unusual-flow';
  readonly version = '1';
  readonly title = '异常聚集';
  readonly description = 'Visits of one unit\'s staff to another unit\'s canteens in a day above max(minCount, factor × trailing daily mean).';
  readonly triggers = ['meal'] as const;
  readonly defaultThresholds: UnusualFlowThresholds = { minCount: 10, factor: 3, baselineDays: 28 };

  parseThresholds(raw: Record<string, unknown>) {
    const r = new ThresholdReader(raw, ['minCount', 'factor', 'baselineDays']);
    return r.result<UnusualFlowThresholds>({ minCount: r.integer('minCount', 1, 100_000), factor: r.number('factor', 1, 1000), baselineDays: r.integer('baselineDays', 1, 365) });
  }

  async evaluate(trigger: Trigger, context: RiskContext, settings: ModelSettings<UnusualFlowThresholds>): Promise<WarningDraft[]> {
    if (trigger.kind !== 'meal' || trigger.meal.voidedAt) return [];
    const { meal } = trigger;
    if (meal.dinerUnitId === meal.canteenOwnerUnitId) return [];
    const t = settings.thresholds;
    const today = await context.pairMealsBetween(meal.dinerUnitId, meal.canteenOwnerUnitId, meal.mealDate, meal.mealDate);
    if (today.length <= t.minCount) return [];
    const history = await context.pairMealsBetween(meal.dinerUnitId, meal.canteenOwnerUnitId, addDays(meal.mealDate, -t.baselineDays), addDays(meal.mealDate, -1));
    const mean = history.length / t.baselineDays;
    const limit = Math.max(t.minCount, t.factor * mean);
    if (!(today.length > limit)) return [];
    const [diners, owners] = [await unitName(context, meal.dinerUnitId), await unitName(context, meal.canteenOwnerUnitId)];
    const sorted = today.sort((a, b) => a.scannedAt.localeCompare(b.scannedAt)).slice(0, MAX_EVIDENCE_MEALS);
    return [
      {
        dedupeKey: `unusual-flow:pair:${meal.dinerUnitId}:${meal.canteenOwnerUnitId}:${meal.mealDate}`,
        severity: settings.severity,
        subjectType: 'unit-pair',
        subjectId: `${meal.dinerUnitId}>${meal.canteenOwnerUnitId}`,
        subjectName: `${diners}→${owners}`,
        regionCode: meal.dinerRegionCode,
        businessDate: meal.mealDate,
        evidence: await Promise.all(sorted.map((m) => mealEvidence(context, m, { dinerId: m.dinerId }))),
        explanation: `${diners}人员于${meal.mealDate}在${owners}食堂就餐${today.length}人次，远高于此前${t.baselineDays}天日均${mean.toFixed(1)}人次（阈值${limit.toFixed(1)}）`,
      },
    ];
  }
}
