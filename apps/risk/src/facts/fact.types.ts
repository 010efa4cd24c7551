import { AllowanceClaimStatus, MealPayer, MealSlot } from '@meal/contracts';

/** A meal as the risk service keeps it (from meal.scanned, marked by meal.voided). Dates are Asia/Shanghai days. */
export interface MealFact {
  mealId: string;
  eventId: string;
  dinerId: string;
  dinerUnitId: string;
  dinerRegionCode: string;
  canteenId: string;
  canteenOwnerUnitId: string;
  canteenRegionCode: string;
  slot: MealSlot;
  mealDate: string;
  /** UTC ISO instant. */
  scannedAt: string;
  priceFen: number;
  payer: MealPayer;
  paymentKind: string;
  scanLatitude: number;
  scanLongitude: number;
  distanceMeters: number;
  withinGeofence: boolean;
  voidedAt: string | null;
}

/** The latest version (by occurredAt) of a travel meal allowance claim. Trip dates inclusive. */
export interface ClaimFact {
  claimId: string;
  eventId: string;
  dinerId: string;
  dinerUnitId: string;
  tripStart: string;
  tripEnd: string;
  destinationRegionCode: string;
  days: number;
  allowanceFen: number;
  status: AllowanceClaimStatus;
  occurredAt: string;
}

/** An official reception (公务接待) record. */
export interface ReceptionFact {
  recordId: string;
  eventId: string;
  hostUnitId: string;
  guestUnitIds: string[];
  date: string;
  headcount: number;
  amountFen: number;
  officialLetterRef: string | null;
  place: string;
  occurredAt: string;
}

/** Reference data from the organisation tables the explanations and geometry need. */
export interface CanteenInfo {
  id: string;
  name: string;
  ownerUnitId: string;
  regionCode: string;
  latitude: number;
  longitude: number;
  geofenceRadiusM: number;
}

/** Visitor meals and active days of a canteen over a date range (see RiskContext.canteenFlow). */
export interface CanteenFlow {
  visitorMeals: number;
  activeDays: number;
}

/** Whether a meal is a visit: the diner's unit does not own the canteen. */
export function isVisit(meal: Pick<MealFact, 'dinerUnitId' | 'canteenOwnerUnitId'>): boolean {
  return meal.dinerUnitId !== meal.canteenOwnerUnitId;
}

export interface UnitInfo {
  id: string;
  name: string;
  regionCode: string;
}

export interface StaffInfo {
  id: string;
  name: string;
  unitId: string;
}

/** What a model is evaluated for: the fact a consumed event just wrote (in its stored, current state). */
export type Trigger =
  | { kind: 'meal'; eventId: string; meal: MealFact }
  | { kind: 'claim'; eventId: string; claim: ClaimFact }
  | { kind: 'reception'; eventId: string; record: ReceptionFact };

export type TriggerKind = Trigger['kind'];

/**
 * Read access to the stored facts and the organisation tables. In the live consumer it runs SQL in the event's
 * transaction; backtests run it read-only; model unit tests use an in-memory implementation.
 */
export interface RiskContext {
  /** Non-voided meals of a diner on a date and slot. */
  mealsInSlot(dinerId: string, mealDate: string, slot: MealSlot): Promise<MealFact[]>;
  /** Non-voided unit-paid meals of a diner with meal dates in [from, to]. */
  unitPaidMealsBetween(dinerId: string, from: string, to: string): Promise<MealFact[]>;
  /** Non-revoked claims of a diner whose trip range intersects [from, to]. */
  claimsIntersecting(dinerId: string, from: string, to: string): Promise<ClaimFact[]>;
  /** Non-voided meals of a diner scanned within [from, to] (UTC instants). */
  mealsScannedBetween(dinerId: string, from: string, to: string): Promise<MealFact[]>;
  /** Non-voided meals of staff of `dinerUnitId` at canteens owned by `ownerUnitId` with meal dates in [from, to]. */
  pairMealsBetween(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<MealFact[]>;
  /** How many meals `pairMealsBetween` would return (without reading them). */
  countPairMeals(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<number>;
  /**
   * A canteen's flow over meal dates [from, to]: non-voided visitor meals (the diner's unit is not the canteen's owner
   * unit) and the number of distinct days on which it served any non-voided meal.
   */
  canteenFlow(canteenId: string, from: string, to: string): Promise<CanteenFlow>;
  /** Non-voided visitor meals at a canteen on one meal date, in scan order, at most `limit`. */
  canteenVisitorMeals(canteenId: string, mealDate: string, limit: number): Promise<MealFact[]>;
  /** Reception records dated in [from, to]. */
  receptionsBetween(from: string, to: string): Promise<ReceptionFact[]>;
  canteen(id: string): Promise<CanteenInfo | undefined>;
  unit(id: string): Promise<UnitInfo | undefined>;
  staff(id: string): Promise<StaffInfo | undefined>;
}
