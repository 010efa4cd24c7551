import { MEAL_SLOT_LABEL, MealSlotKind } from '@meal/organisation';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** A canteen's slot as the scan path needs it: wall-clock bounds in seconds of the Asia/Shanghai day. */
export interface SlotHours {
  slot: MealSlotKind;
  /** "HH:MM:SS" as stored. */
  opensAt: string;
  closesAt: string;
  staffPriceFen: number;
  visitorPriceFen: number;
}

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** "HH:MM" of an instant in Asia/Shanghai. */
export function shanghaiTime(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16);
}

function secondsOf(time: string): number {
  const [h, m, s] = time.split(':').map(Number);
  return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
}

/** The slot open at `now` (opensAt ≤ t < closesAt, Asia/Shanghai wall clock), or undefined. */
export function openSlotAt<T extends SlotHours>(slots: readonly T[], now: Date): T | undefined {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  const t = local.getUTCHours() * 3600 + local.getUTCMinutes() * 60 + local.getUTCSeconds();
  return slots.find((s) => secondsOf(s.opensAt) <= t && t < secondsOf(s.closesAt));
}

export function slotLabel(slot: string): string {
  return MEAL_SLOT_LABEL[slot as MealSlotKind] ?? slot;
}

/** "早餐 06:30–08:30、午餐 11:00–13:00" for messages. */
export function describeSlotHours(slots: readonly SlotHours[]): string {
  if (slots.length === 0) return '无';
  return slots.map((s) => `${slotLabel(s.slot)} ${s.opensAt.slice(0, 5)}–${s.closesAt.slice(0, 5)}`).join('、');
}


/** Re-exported for the scan path; the one implementation lives with the organisation model's geography. */
export { haversineMeters } from '@meal/organisation/common/geo';
