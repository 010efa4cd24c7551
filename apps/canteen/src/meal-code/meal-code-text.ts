import { MealCodeMalformedException } from './meal-code.exceptions';

/**
 * The text inside the QR: `<publicBaseUrl>/m/<jws>`, e.g.
 * `https://meal.official-meal.local/m/eyJhbGciOiJFUzI1NiIsInR5cCI6Im1lYWwtY29kZSJ9.eyJjIjoi….<sig>`.
 * A URL (rather than a bare `GWC1.<jws>`) so that any phone camera, and the 浙政钉 scanner, opens the diner
 * page; the page sends the whole text on to the scanning API, which calls verifyScannedCode.
 */
export const MEAL_CODE_PATH_SEGMENT = '/m/';

/** The longest text we look at; a real code is about 350 characters. */
export const MAX_MEAL_CODE_TEXT_LENGTH = 2048;

/** Compact JWS serialization, all three parts non-empty (an unsigned `alg: none` token has an empty third part). */
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function toMealCodeText(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}${MEAL_CODE_PATH_SEGMENT}${token}`;
}

/** The JWS of a scanned text, if it has one of the accepted `<base>/m/` prefixes and the JWS shape; else MALFORMED. */
export function extractMealCodeToken(text: unknown, acceptedBaseUrls: readonly string[]): string {
  if (typeof text !== 'string' || text.trim() === '') throw new MealCodeMalformedException('empty text');
  const trimmed = text.trim();
  if (trimmed.length > MAX_MEAL_CODE_TEXT_LENGTH) throw new MealCodeMalformedException('text too long');
  const base = acceptedBaseUrls.find((url) => trimmed.toLowerCase().startsWith(`${url.toLowerCase()}${MEAL_CODE_PATH_SEGMENT}`));
  if (base === undefined) throw new MealCodeMalformedException('not a meal-code URL of this platform');
  const token = trimmed.slice(base.length + MEAL_CODE_PATH_SEGMENT.length);
  if (!JWS_SHAPE.test(token)) throw new MealCodeMalformedException('not a compact JWS');
  return token;
}
