import { checkMealSlots, formatYuan, MEAL_PRICE_CAP_FEN, MealSlotInput } from './meal-price-policy';
import { MealSlotKind } from './meal-slot.enum';

const slot = (overrides: Partial<MealSlotInput> = {}): MealSlotInput => ({
  slot: MealSlotKind.Lunch,
  opensAt: '11:00',
  closesAt: '13:00',
  staffPriceFen: 1500,
  visitorPriceFen: 2500,
  ...overrides,
});

describe('meal price policy', () => {
  it('has the Zhejiang caps: breakfast 20 yuan, lunch and dinner 40 yuan', () => {
    expect(MEAL_PRICE_CAP_FEN).toEqual({ breakfast: 2000, lunch: 4000, dinner: 4000 });
  });

  it('accepts prices at the cap', () => {
    expect(
      checkMealSlots([
        slot({ slot: MealSlotKind.Breakfast, opensAt: '07:00', closesAt: '08:30', staffPriceFen: 2000, visitorPriceFen: 2000 }),
        slot({ staffPriceFen: 4000, visitorPriceFen: 4000 }),
        slot({ slot: MealSlotKind.Dinner, opensAt: '17:00', closesAt: '19:00', staffPriceFen: 0, visitorPriceFen: 4000 }),
      ]),
    ).toEqual([]);
  });

  it('names the slot field and the cap when a price is one fen over', () => {
    const violations = checkMealSlots([
      slot({ slot: MealSlotKind.Breakfast, opensAt: '07:00', closesAt: '08:30', staffPriceFen: 500, visitorPriceFen: 800 }),
      slot({ visitorPriceFen: 4001 }),
    ]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.field).toBe('slots.1.visitorPriceFen');
    expect(violations[0]?.message).toContain('午餐价格不得超过 40.00 元');
  });

  it('caps breakfast at 20.00 yuan for both prices', () => {
    const violations = checkMealSlots([slot({ slot: MealSlotKind.Breakfast, staffPriceFen: 2001, visitorPriceFen: 2500 })]);
    expect(violations.map((v) => v.field)).toEqual(['slots.0.staffPriceFen', 'slots.0.visitorPriceFen']);
    expect(violations[0]?.message).toContain('早餐价格不得超过 20.00 元');
  });

  it('refuses a slot listed twice and closing before opening', () => {
    const violations = checkMealSlots([slot(), slot({ opensAt: '13:00', closesAt: '12:00' })]);
    expect(violations.map((v) => v.field)).toEqual(['slots.1.slot', 'slots.1.closesAt']);
  });

  it('refuses equal opening and closing times', () => {
    expect(checkMealSlots([slot({ opensAt: '11:00', closesAt: '11:00' })]).map((v) => v.field)).toEqual(['slots.0.closesAt']);
  });

  it('formats fen as yuan', () => {
    expect(formatYuan(4000)).toBe('40.00');
    expect(formatYuan(2005)).toBe('20.05');
    expect(formatYuan(7)).toBe('0.07');
  });
});
