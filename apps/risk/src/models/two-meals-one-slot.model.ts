import { Trigger, RiskContext } from '../facts/fact.types';
import { dinerLabel, mealEvidence, SLOT_LABELS, shanghaiTime, canteenName } from './model-format';
import { ThresholdReader } from './threshold-parsing';
import { ModelSettings, WarningDraft, WarningModel } from './warning-model';

export interface TwoMealsOneSlotThresholds {
  /** Meals allowed per diner, date and slot; more fire. */
  maxMealsPerSlot: number;
}

/** 同餐次重复就餐: more than `maxMealsPerSlot` non-voided meals of one diner on one date and slot. */
export class TwoMealsOneSlotModel implements WarningModel<TwoMealsOneSlotThresholds> {
  readonly key = 'two-meals-one-slot';
  readonly version = '1';
  readonly title = '同餐次重复就餐';
  readonly description = 'A diner with more than maxMealsPerSlot non-voided meals on the same date and slot.';
  readonly triggers = ['meal'] as const;
  readonly defaultThresholds: TwoMealsOneSlotThresholds = { maxMealsPerSlot: 1 };

  parseThresholds(raw: Record<string, unknown>) {
    const r = new ThresholdReader(raw, ['maxMealsPerSlot']);
    return r.result<TwoMealsOneSlotThresholds>({ maxMealsPerSlot: r.integer('maxMealsPerSlot', 1, 10) });
  }

  async evaluate(trigger: Trigger, context: RiskContext, settings: ModelSettings<TwoMealsOneSlotThresholds>): Promise<WarningDraft[]> {
    if (trigger.kind !== 'meal' || trigger.meal.voidedAt) return [];
    const { meal } = trigger;
    const meals = (await context.mealsInSlot(meal.dinerId, meal.mealDate, meal.slot)).sort((a, b) => a.scannedAt.localeCompare(b.scannedAt));
    if (meals.length <= settings.thresholds.maxMealsPerSlot) return [];
    const who = await dinerLabel(context, meal.dinerId, meal.dinerUnitId);
    const places: string[] = [];
    for (const m of meals) places.push(`${await canteenName(context, m.canteenId)} ${shanghaiTime(m.scannedAt)}`);
    const canteens = new Set(meals.map((m) => m.canteenId)).size;
    const where = canteens === meals.length ? `在${meals.length === 2 ? '两' : meals.length}个食堂各就餐一次` : `就餐${meals.length}次`;
    return [
      {
        dedupeKey: `two-meals:${meal.dinerId}:${meal.mealDate}:${meal.slot}`,
        severity: settings.severity,
        subjectType: 'diner',
        subjectId: meal.dinerId,
        subjectName: who,
        regionCode: meal.dinerRegionCode,
        businessDate: meal.mealDate,
        evidence: await Promise.all(meals.map((m) => mealEvidence(context, m))),
        explanation: `${who}于${meal.mealDate}${SLOT_LABELS[meal.slot]}${where}：${places.join('、')}`,
      },
    ];
  }
}
