import { describeSlotHours, haversineMeters, openSlotAt, shanghaiDate, shanghaiTime, SlotHours } from './meal-time';
import { MealSlotKind } from '@meal/organisation';

const slots: SlotHours[] = [
  { slot: MealSlotKind.Breakfast, opensAt: '06:30:00', closesAt: '08:30:00', staffPriceFen: 500, visitorPriceFen: 800 },
  { slot: MealSlotKind.Lunch, opensAt: '11:00:00', closesAt: '13:00:00', staffPriceFen: 1500, visitorPriceFen: 2000 },
];

describe('meal time in Asia/Shanghai', () => {
  it('finds the slot open at an instant, closing time exclusive', () => {
    expect(openSlotAt(slots, new Date('2025-11-24T03:00:00Z'))?.slot).toBe('lunch'); // 11:00
    expect(openSlotAt(slots, new Date('2025-11-24T04:59:59Z'))?.slot).toBe('lunch'); // 12:59:59
    expect(openSlotAt(slots, new Date('2025-11-24T05:00:00Z'))).toBeUndefined(); // 13:00
    expect(openSlotAt(slots, new Date('2025-11-23T22:30:00Z'))?.slot).toBe('breakfast'); // 06:30 next day local
  });

  it('dates and times are Shanghai wall clock', () => {
    expect(shanghaiDate(new Date('2025-11-23T16:00:00Z'))).toBe('2025-11-24');
    expect(shanghaiDate(new Date('2025-11-23T15:59:59Z'))).toBe('2025-11-23');
    expect(shanghaiTime(new Date('2025-11-24T04:05:00Z'))).toBe('12:05');
    expect(describeSlotHours(slots)).toBe('早餐 06:30–08:30、午餐 11:00–13:00');
  });

  it('haversine distance', () => {
    expect(haversineMeters(28.97, 118.86, 28.97, 118.86)).toBe(0);
    expect(Math.round(haversineMeters(28.97, 118.86, 28.98, 118.86))).toBe(1112);
  });
});
