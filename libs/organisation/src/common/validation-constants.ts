/** Codes of regions: 6 digits for city and county, 9 for township, 12 for village (GB/T 2260 and its extensions). */
export const REGION_CODE_PATTERN = /^(\d{6}|\d{9}|\d{12})$/;
/** Codes of units, canteens and terminals: letters, digits, dash, underscore, dot. */
export const ENTITY_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
/** Local Asia/Shanghai wall-clock time, HH:MM. */
export const WALL_CLOCK_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
