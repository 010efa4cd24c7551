import { haversineMeters } from '@meal/organisation/common/geo';
import { MealSlot } from '@meal/contracts';
import { MealFact, RiskContext } from '../facts/fact.types';

export const SLOT_LABELS: Record<MealSlot, string> = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' };

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** HH:mm in Asia/Shanghai. */
export function shanghaiTime(instant: string): string {
  return new Date(Date.parse(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16);
}

/** YYYY-MM-DD HH:mm in Asia/Shanghai. */
export function shanghaiDateTime(instant: string): string {
  return new Date(Date.parse(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** ¥ with two decimals from integer fen. */
export function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}元`;
}

/** Calendar date arithmetic on YYYY-MM-DD (no time zone involved). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Every calendar day of [from, to], inclusive. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Great-circle distance in km. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return haversineMeters(lat1, lon1, lat2, lon2) / 1000;
}

/** `张三（衢江区财政局）`, falling back to ids when the organisation tables do not know them. */
export async function dinerLabel(context: RiskContext, dinerId: string, unitId: string): Promise<string> {
  const [staff, unit] = await Promise.all([context.staff(dinerId), context.unit(unitId)]);
  return `${staff?.name ?? dinerId}（${unit?.name ?? unitId}）`;
}

export async function unitName(context: RiskContext, unitId: string): Promise<string> {
  return (await context.unit(unitId))?.name ?? unitId;
}

export async function canteenName(context: RiskContext, canteenId: string): Promise<string> {
  return (await context.canteen(canteenId))?.name ?? canteenId;
}

/** The evidence item of a meal. */
export async function mealEvidence(context: RiskContext, meal: MealFact, extra: Record<string, unknown> = {}) {
  const canteen = await context.canteen(meal.canteenId);
  const name = canteen?.name ?? meal.canteenId;
  const payer = meal.payer === 'unit' ? '公务结算' : '个人支付';
  return {
    kind: 'meal' as const,
    ref: meal.mealId,
    eventId: meal.eventId,
    summary: `${meal.mealDate} ${SLOT_LABELS[meal.slot]} ${shanghaiTime(meal.scannedAt)} 在${name}就餐，${payer}${yuan(meal.priceFen)}`,
    occurredAt: meal.scannedAt,
    date: meal.mealDate,
    amountFen: meal.priceFen,
    details: {
      canteenId: meal.canteenId,
      canteenName: name,
      canteenOwnerUnitId: meal.canteenOwnerUnitId,
      canteenRegionCode: meal.canteenRegionCode,
      slot: meal.slot,
      payer: meal.payer,
      scanLatitude: meal.scanLatitude,
      scanLongitude: meal.scanLongitude,
      distanceMeters: meal.distanceMeters,
      withinGeofence: meal.withinGeofence,
      canteenLatitude: canteen?.latitude,
      canteenLongitude: canteen?.longitude,
      geofenceRadiusM: canteen?.geofenceRadiusM,
      ...extra,
    },
  };
}

/** Sorted ids joined by `+`: the id of a pair or group subject. */
export function groupId(ids: readonly string[]): string {
  return [...new Set(ids)].sort().join('+');
}
