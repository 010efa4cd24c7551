/** The current time for meal-code decisions (issue, grace, revoke). Tests bind a controllable one. */
export interface MealCodeClock {
  now(): Date;
}

/** Injection token of the MealCodeClock. */
export const MEAL_CODE_CLOCK = Symbol('MEAL_CODE_CLOCK');

export const systemMealCodeClock: MealCodeClock = { now: () => new Date() };
