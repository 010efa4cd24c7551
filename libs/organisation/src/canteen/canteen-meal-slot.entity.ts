import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MealSlotKind } from './meal-slot.enum';

/**
 * 餐次: one meal slot of a canteen with its opening hours (local Asia/Shanghai wall-clock time; PostgreSQL
 * returns `time` as "HH:MM:SS") and its prices in fen for the canteen's own staff and for visitors.
 */
@Entity({ name: 'canteen_meal_slots' })
export class CanteenMealSlot {
  @PrimaryColumn({ name: 'canteen_id', type: 'uuid' })
  canteenId!: string;

  @PrimaryColumn({ type: 'text' })
  slot!: MealSlotKind;

  @Column({ name: 'opens_at', type: 'time' })
  opensAt!: string;

  @Column({ name: 'closes_at', type: 'time' })
  closesAt!: string;

  @Column({ name: 'staff_price_fen', type: 'integer' })
  staffPriceFen!: number;

  @Column({ name: 'visitor_price_fen', type: 'integer' })
  visitorPriceFen!: number;
}
