import { MEAL_SLOT_LABEL, MealSlotKind } from './meal-slot.enum';

/**
 * Zhejiang canteen price caps (浙江省 2018 差旅费管理办法: breakfast ¥20, lunch ¥40, dinner ¥40), in fen.
 * The same caps are a CHECK constraint on canteen_meal_slots.
 */
export const MEAL_PRICE_CAP_FEN: Readonly<Record<MealSlotKind, number>> = {
  [MealSlotKind.Breakfast]: 2000,
  [MealSlotKind.Lunch]: 4000,
  [MealSlotKind.Dinner]: 4000,
};

export interface MealSlotInput {
  slot: MealSlotKind;
  opensAt: string;
  closesAt: string;
  staffPriceFen: number;
  visitorPriceFen: number;
}

export interface SlotViolation {
  /** e.g. `slots.1.visitorPriceFen` (the same dotted form the validation pipe uses). */
  field: string;
  message: string;
}

/** 4000 → "40.00". */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Minutes since midnight of an HH:MM (or HH:MM:SS) wall-clock time. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * Every rule on a canteen's meal slots that the DTO validators cannot express: each slot at most once,
 * closing after opening, and both prices within the cap of the slot. Returns all violations, in order.
 */
export function checkMealSlots(slots: readonly MealSlotInput[]): SlotViolation[] {
  const violations: SlotViolation[] = [];
  const seen = new Set<MealSlotKind>();
  slots.forEach((slot, index) => {
    const at = `slots.${index}`;
    const label = MEAL_SLOT_LABEL[slot.slot];
    if (seen.has(slot.slot)) violations.push({ field: `${at}.slot`, message: `${label}重复 (slot ${slot.slot} appears more than once)` });
    seen.add(slot.slot);
    if (minutesOf(slot.closesAt) <= minutesOf(slot.opensAt)) {
      violations.push({ field: `${at}.closesAt`, message: `${label}结束时间必须晚于开始时间 (closesAt ${slot.closesAt} must be after opensAt ${slot.opensAt})` });
    }
    const cap = MEAL_PRICE_CAP_FEN[slot.slot];
    for (const key of ['staffPriceFen', 'visitorPriceFen'] as const) {
      if (slot[key] > cap) {
        violations.push({
          field: `${at}.${key}`,
          message: `${label}价格不得超过 ${formatYuan(cap)} 元 (${slot.slot} ${key} ${slot[key]} fen exceeds the cap of ${cap} fen)`,
        });
      }
    }
  });
  return violations;
}
