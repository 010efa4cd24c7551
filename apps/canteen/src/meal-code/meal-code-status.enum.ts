/** Lifecycle of one version of a canteen's meal code. */
export enum MealCodeStatus {
  /** The code on the wall now; at most one per canteen. */
  Active = 'active',
  /** Replaced by a rotation; still accepted until `grace_until`. */
  Superseded = 'superseded',
  /** Withdrawn by an administrator; refused immediately. */
  Revoked = 'revoked',
}
