/** 餐次: the meal slots a canteen may serve. */
export enum MealSlotKind {
  Breakfast = 'breakfast',
  Lunch = 'lunch',
  Dinner = 'dinner',
}

export const MEAL_SLOT_KINDS: readonly MealSlotKind[] = Object.values(MealSlotKind);

export const MEAL_SLOT_LABEL: Readonly<Record<MealSlotKind, string>> = {
  [MealSlotKind.Breakfast]: '早餐',
  [MealSlotKind.Lunch]: '午餐',
  [MealSlotKind.Dinner]: '晚餐',
};
