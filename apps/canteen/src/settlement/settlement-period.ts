/**
 * Settlement periods are Asia/Shanghai calendar days and months. A period is addressed by its key: `YYYY-MM-DD`
 * (a day) or `YYYY-MM` (a month). A day may be closed once it is over plus CLOSE_GRACE_MINUTES (so a scan that
 * started at 23:59:59 has committed); a month once its last day may be.
 */
export type PeriodKind = 'day' | 'month';

export interface PeriodRef {
  kind: PeriodKind;
  key: string;
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Last day, YYYY-MM-DD (inclusive). */
  end: string;
  /** First day of the month the period belongs to. */
  monthStart: string;
}

export const CLOSE_GRACE_MINUTES = 10;
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_KEY = /^(\d{4})-(\d{2})$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** YYYY-MM-DD of a UTC date value (year, month 1-12, day). */
export function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period a key names, or null when the key is not a real calendar day or month (2025-02-30, 2025-13). */
export function parsePeriodKey(key: string): PeriodRef | null {
  const day = DAY_KEY.exec(key);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
    return { kind: 'day', key, start: key, end: key, monthStart: isoDate(y, m, 1) };
  }
  const month = MONTH_KEY.exec(key);
  if (month) {
    const [y, m] = [Number(month[1]), Number(month[2])];
    if (y < 2000 || y > 2999 || m < 1 || m > 12) return null;
    return { kind: 'month', key, start: isoDate(y, m, 1), end: isoDate(y, m, daysInMonth(y, m)), monthStart: isoDate(y, m, 1) };
  }
  return null;
}

/** Every day of [start, end] (YYYY-MM-DD, inclusive). */
export function daysBetween(start: string, end: string): string[] {
  const out: string[] = [];
  const last = Date.parse(`${end}T00:00:00Z`);
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= last; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDateOf(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a period may be closed from: the day after its last day, 00:00 Asia/Shanghai, plus the grace. */
export function closableFrom(period: PeriodRef): Date {
  return new Date(Date.parse(`${period.end}T00:00:00Z`) + 86_400_000 - SHANGHAI_OFFSET_MS + CLOSE_GRACE_MINUTES * 60_000);
}

export function isClosable(period: PeriodRef, now: Date): boolean {
  return now.getTime() >= closableFrom(period).getTime();
}

/** The key of the month a day belongs to: 2025-11-24 → 2025-11. */
export function monthKeyOf(day: string): string {
  return day.slice(0, 7);
}
