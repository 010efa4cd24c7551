import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';

/** The three meal slots (餐次). */
export const MEAL_SLOTS = ['breakfast', 'lunch', 'dinner'] as const;
export type MealSlot = (typeof MEAL_SLOTS)[number];

/** The business time zone: meal dates are calendar days in Asia/Shanghai (UTC+8, no daylight saving). */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDateOf(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?Z$/;
/** Administrative division codes: 6 digits (city/county), 9 (township) or 12 (village). */
const REGION_CODE = /^\d{6}(\d{3}){0,2}$/;

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = CALENDAR_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

export function isUtcTimestamp(value: unknown): value is string {
  return typeof value === 'string' && UTC_TIMESTAMP.test(value) && isCalendarDate(value.slice(0, 10));
}

export function isRegionCode(value: unknown): value is string {
  return typeof value === 'string' && REGION_CODE.test(value);
}

/** A calendar date `YYYY-MM-DD` that exists (no 2025-02-30). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => isCalendarDate(value),
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be a calendar date YYYY-MM-DD`,
      },
    },
    options,
  );
}

/** An ISO-8601 instant in UTC with the `Z` designator (`2025-03-01T04:05:06.789Z`). */
export function IsUtcTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUtcTimestamp',
      validator: {
        validate: (value: unknown) => isUtcTimestamp(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must be an ISO-8601 UTC timestamp like 2025-03-01T04:05:06.000Z`,
      },
    },
    options,
  );
}

/** A 6-, 9- or 12-digit administrative division code (行政区划代码). */
export function IsRegionCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRegionCode',
      validator: {
        validate: (value: unknown) => isRegionCode(value),
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be a 6-, 9- or 12-digit region code`,
      },
    },
    options,
  );
}

/** The value (a date or timestamp string) is not before the sibling property `other`. */
export function IsNotBefore(other: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotBefore',
      constraints: [other],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const sibling = (args?.object as Record<string, unknown> | undefined)?.[other];
          if (typeof value !== 'string' || typeof sibling !== 'string') return true; // type checks report those
          return value >= sibling;
        },
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must not be before ${other}`,
      },
    },
    options,
  );
}

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && IDENTIFIER.test(value);
}

/** An opaque identifier (staff id, unit id, UUID, ...): 1–64 letters, digits and `._:-`, starting alphanumeric. */
export function IsIdentifier(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIdentifier',
      validator: {
        validate: (value: unknown) => isIdentifier(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must be an identifier of 1-64 letters, digits and ._:- characters`,
      },
    },
    options,
  );
}
