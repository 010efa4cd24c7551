import { MealFact, RiskContext, Trigger } from '../facts/fact.types';
import { addDays, canteenName, mealEvidence, unitName } from './model-format';
import { ThresholdReader } from './threshold-parsing';
import { ModelSettings, WarningDraft, WarningModel } from './warning-model';

export interface UnusualFlowThresholds {
  /** Unit pair: a day's visits must exceed this count whatever the baseline. */
  minCount: number;
  /** …and exceed factor × the trailing daily mean. */
  factor: number;
  /** Days of the trailing baseline (before the day), for both halves. */
  baselineDays: number;
  /** Canteen: a day's visitor meals must exceed this count whatever the baseline. */
  canteenMinVisitors: number;
  /** …and exceed canteenFactor × the canteen's visitor meals per active day of the baseline. */
  canteenFactor: number;
  /** Active days (days the canteen served any meal) the baseline needs; with fewer the canteen has no history yet. */
  canteenMinHistoryDays: number;
}

const MAX_EVIDENCE_MEALS = 50;

/**
 * 异常聚集, two halves evaluated on each meal:
 * - unit pair: staff of one unit eating at another unit's canteens on one day far above the pair's baseline:
 *   visits > max(minCount, factor × trailing daily mean over baselineDays);
 * - canteen (v2): a canteen serving far more visitors (diners of other units) on one day than its history:
 *   visitor meals > max(canteenMinVisitors, canteenFactor × visitor meals per active day over the trailing
 *   baselineDays), only once the canteen has at least canteenMinHistoryDays active days in that window. Active days
 *   (days with any meal) rather than calendar days keep closed weekends and a fresh start from faking a surge.
 */
export class UnusualFlowModel implements WarningModel<UnusualFlowThresholds> {
  readonly key = 'unusual-flow';
  readonly version = '2';
  readonly title = '异常聚集';
  readonly description =
    'Visits of one unit\'s staff to another unit\'s canteens in a day above max(minCount, factor × trailing daily mean); ' +
    'visitor meals of a canteen in a day above max(canteenMinVisitors, canteenFactor × visitors per active day of its history).';
  readonly triggers = ['meal'] as const;
  readonly defaultThresholds: UnusualFlowThresholds = { minCount: 10, factor: 3, baselineDays: 28, canteenMinVisitors: 30, canteenFactor: 3, canteenMinHistoryDays: 5 };

  parseThresholds(raw: Record<string, unknown>) {
    const r = new ThresholdReader(raw, ['minCount', 'factor', 'baselineDays', 'canteenMinVisitors', 'canteenFactor', 'canteenMinHistoryDays']);
    const value: UnusualFlowThresholds = {
      minCount: r.integer('minCount', 1, 100_000),
      factor: r.number('factor', 1, 1000),
      baselineDays: r.integer('baselineDays', 1, 365),
      canteenMinVisitors: r.integer('canteenMinVisitors', 1, 1_000_000),
      canteenFactor: r.number('canteenFactor', 1, 1000),
      canteenMinHistoryDays: r.integer('canteenMinHistoryDays', 1, 365),
    };
    if (r.errors.length === 0 && value.canteenMinHistoryDays > value.baselineDays) {
      r.errors.push({ field: 'canteenMinHistoryDays', message: `canteenMinHistoryDays must not exceed baselineDays (${value.baselineDays})` });
    }
    return r.result(value);
  }

  async evaluate(trigger: Trigger, context: RiskContext, settings: ModelSettings<UnusualFlowThresholds>): Promise<WarningDraft[]> {
    if (trigger.kind !== 'meal' || trigger.meal.voidedAt) return [];
    const { meal } = trigger;
    if (meal.dinerUnitId === meal.canteenOwnerUnitId) return [];
    const drafts: WarningDraft[] = [];
    const pair = await this.pairSurge(meal, context, settings);
    if (pair) drafts.push(pair);
    const canteen = await this.canteenSurge(meal, context, settings);
    if (canteen) drafts.push(canteen);
    return drafts;
  }

  private async pairSurge(meal: MealFact, context: RiskContext, settings: ModelSettings<UnusualFlowThresholds>): Promise<WarningDraft | undefined> {
    const t = settings.thresholds;
    const count = await context.countPairMeals(meal.dinerUnitId, meal.canteenOwnerUnitId, meal.mealDate, meal.mealDate);
    if (count <= t.minCount) return undefined;
    const history = await context.countPairMeals(meal.dinerUnitId, meal.canteenOwnerUnitId, addDays(meal.mealDate, -t.baselineDays), addDays(meal.mealDate, -1));
    const mean = history / t.baselineDays;
    const limit = Math.max(t.minCount, t.factor * mean);
    if (!(count > limit)) return undefined;
    const [diners, owners] = [await unitName(context, meal.dinerUnitId), await unitName(context, meal.canteenOwnerUnitId)];
    const today = await context.pairMealsBetween(meal.dinerUnitId, meal.canteenOwnerUnitId, meal.mealDate, meal.mealDate);
    const sorted = today.sort((a, b) => a.scannedAt.localeCompare(b.scannedAt)).slice(0, MAX_EVIDENCE_MEALS);
    return {
      dedupeKey: `unusual-flow:pair:${meal.dinerUnitId}:${meal.canteenOwnerUnitId}:${meal.mealDate}`,
      severity: settings.severity,
      subjectType: 'unit-pair',
      subjectId: `${meal.dinerUnitId}>${meal.canteenOwnerUnitId}`,
      subjectName: `${diners}→${owners}`,
      regionCode: meal.dinerRegionCode,
      businessDate: meal.mealDate,
      evidence: await Promise.all(sorted.map((m) => mealEvidence(context, m, { dinerId: m.dinerId }))),
      explanation: `${diners}人员于${meal.mealDate}在${owners}食堂就餐${count}人次，远高于此前${t.baselineDays}天日均${mean.toFixed(1)}人次（阈值${limit.toFixed(1)}）`,
    };
  }

  private async canteenSurge(meal: MealFact, context: RiskContext, settings: ModelSettings<UnusualFlowThresholds>): Promise<WarningDraft | undefined> {
    const t = settings.thresholds;
    const { visitorMeals } = await context.canteenFlow(meal.canteenId, meal.mealDate, meal.mealDate);
    if (visitorMeals <= t.canteenMinVisitors) return undefined;
    const history = await context.canteenFlow(meal.canteenId, addDays(meal.mealDate, -t.baselineDays), addDays(meal.mealDate, -1));
    if (history.activeDays < t.canteenMinHistoryDays) return undefined;
    const mean = history.visitorMeals / history.activeDays;
    const limit = Math.max(t.canteenMinVisitors, t.canteenFactor * mean);
    if (!(visitorMeals > limit)) return undefined;
    const name = await canteenName(context, meal.canteenId);
    const meals = await context.canteenVisitorMeals(meal.canteenId, meal.mealDate, MAX_EVIDENCE_MEALS);
    const units = new Set(meals.map((m) => m.dinerUnitId)).size;
    return {
      dedupeKey: `unusual-flow:canteen:${meal.canteenId}:${meal.mealDate}`,
      severity: settings.severity,
      subjectType: 'canteen',
      subjectId: meal.canteenId,
      subjectName: name,
      regionCode: meal.canteenRegionCode,
      businessDate: meal.mealDate,
      evidence: await Promise.all(meals.map((m) => mealEvidence(context, m, { dinerId: m.dinerId, dinerUnitId: m.dinerUnitId }))),
      explanation:
        `${name}于${meal.mealDate}接待外单位就餐${visitorMeals}人次，远高于此前${t.baselineDays}天内${history.activeDays}个开餐日的日均${mean.toFixed(1)}人次` +
        `（阈值${limit.toFixed(1)}；证据列出前${meals.length}人次，来自${units}个单位）`,
    };
  }
}
