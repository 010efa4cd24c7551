/**
 * Settings of the meal-code feature. AppConfig does not know them yet, so the module takes them as options
 * with the defaults below; the app module passes values read from the environment once the lead adds:
 *
 * | env var                          | option               | default                                   |
 * |----------------------------------|----------------------|-------------------------------------------|
 * | MEAL_CODE_PRIVATE_KEY_FILE       | privateKeyFile       | `.run/keys/meal-code-private.pem`         |
 * | MEAL_CODE_PUBLIC_KEY_FILE        | publicKeyFile        | `.run/keys/meal-code-public.pem`          |
 * | MEAL_CODE_CREATE_KEYS_IF_MISSING | createKeysIfMissing  | `true` (set `false` in production)        |
 * | MEAL_CODE_PUBLIC_BASE_URL        | publicBaseUrl        | `https://meal.official-meal.local`        |
 * | MEAL_CODE_ACCEPTED_BASE_URLS     | acceptedBaseUrls     | `[publicBaseUrl]` (comma-separated)       |
 * | MEAL_CODE_DEFAULT_GRACE_SECONDS  | defaultGraceSeconds  | `86400` (24 h)                            |
 * | MEAL_CODE_MAX_GRACE_SECONDS      | maxGraceSeconds      | `604800` (7 days, at most MAX_GRACE_SECONDS_LIMIT) |
 */
export interface MealCodeOptions {
  /** PEM (PKCS#8) of the meal-code ES256 signing key. A dedicated key, never the identity token key. */
  privateKeyFile: string;
  /** PEM (SPKI) of its public key, published at GET /meal-codes/public-key for offline verification. */
  publicKeyFile: string;
  /**
   * Generate the key pair when both files are missing. Convenient for development and tests; in production
   * every replica must share one key pair, so provision the files and turn this off.
   */
  createKeysIfMissing: boolean;
  /** The QR text is `<publicBaseUrl>/m/<jws>`: a phone camera or the 浙政钉 scanner opens the diner page there. */
  publicBaseUrl: string;
  /** Base URLs whose `/m/<jws>` texts are accepted when verifying (old posters after a host change). */
  acceptedBaseUrls: string[];
  /** How long a superseded code keeps working after a rotation when the request does not say. */
  defaultGraceSeconds: number;
  /** The longest grace a rotation may ask for. */
  maxGraceSeconds: number;
}

/** Injection token of the resolved MealCodeOptions. */
export const MEAL_CODE_OPTIONS = Symbol('MEAL_CODE_OPTIONS');

/** The hard upper bound of any grace period (also the bound of the request DTO): 30 days. */
export const MAX_GRACE_SECONDS_LIMIT = 30 * 24 * 3600;

export const DEFAULT_MEAL_CODE_OPTIONS: Readonly<MealCodeOptions> = {
  privateKeyFile: '.run/keys/meal-code-private.pem',
  publicKeyFile: '.run/keys/meal-code-public.pem',
  createKeysIfMissing: true,
  publicBaseUrl: 'https://meal.official-meal.local',
  acceptedBaseUrls: [],
  defaultGraceSeconds: 24 * 3600,
  maxGraceSeconds: 7 * 24 * 3600,
};

const BASE_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*$/;

function normaliseBaseUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  if (!BASE_URL.test(trimmed)) {
    throw new Error(`Meal-code base URL ${JSON.stringify(url)} must look like https://host[:port][/path] (no query, no fragment)`);
  }
  return trimmed;
}

/** Fills in the defaults and checks the values; throws at boot on a bad setting. */
export function resolveMealCodeOptions(options: Partial<MealCodeOptions> = {}): MealCodeOptions {
  const merged: MealCodeOptions = { ...DEFAULT_MEAL_CODE_OPTIONS, ...stripUndefined(options) };
  const publicBaseUrl = normaliseBaseUrl(merged.publicBaseUrl);
  const accepted = new Set<string>([publicBaseUrl, ...merged.acceptedBaseUrls.filter((u) => u.trim() !== '').map(normaliseBaseUrl)]);
  const { defaultGraceSeconds, maxGraceSeconds } = merged;
  if (!Number.isInteger(maxGraceSeconds) || maxGraceSeconds < 0 || maxGraceSeconds > MAX_GRACE_SECONDS_LIMIT) {
    throw new Error(`Meal-code maxGraceSeconds must be an integer in [0, ${MAX_GRACE_SECONDS_LIMIT}], got ${maxGraceSeconds}`);
  }
  if (!Number.isInteger(defaultGraceSeconds) || defaultGraceSeconds < 0 || defaultGraceSeconds > maxGraceSeconds) {
    throw new Error(`Meal-code defaultGraceSeconds must be an integer in [0, maxGraceSeconds=${maxGraceSeconds}], got ${defaultGraceSeconds}`);
  }
  if (!merged.privateKeyFile || !merged.publicKeyFile) throw new Error('Meal-code key file paths must not be empty');
  return { ...merged, publicBaseUrl, acceptedBaseUrls: [...accepted] };
}

function stripUndefined(options: Partial<MealCodeOptions>): Partial<MealCodeOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<MealCodeOptions>;
}
