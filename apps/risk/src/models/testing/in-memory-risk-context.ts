import { randomUUID } from 'node:crypto';
import { MealSlot } from '@meal/contracts';
import { CanteenFlow, CanteenInfo, ClaimFact, isVisit, MealFact, ReceptionFact, RiskContext, StaffInfo, UnitInfo } from '../../facts/fact.types';
import { ModelSettings, WarningModel } from '../warning-model';

/** The facts tables in memory, for model unit tests. */
export class InMemoryRiskContext implements RiskContext {
  readonly meals: MealFact[] = [];
  readonly claims: ClaimFact[] = [];
  readonly receptions: ReceptionFact[] = [];
  readonly canteens = new Map<string, CanteenInfo>();
  readonly units = new Map<string, UnitInfo>();
  readonly staffs = new Map<string, StaffInfo>();

  async mealsInSlot(dinerId: string, mealDate: string, slot: MealSlot): Promise<MealFact[]> {
    return this.meals.filter((m) => m.dinerId === dinerId && m.mealDate === mealDate && m.slot === slot && !m.voidedAt);
  }
  async unitPaidMealsBetween(dinerId: string, from: string, to: string): Promise<MealFact[]> {
    return this.meals.filter((m) => m.dinerId === dinerId && m.mealDate >= from && m.mealDate <= to && m.payer === 'unit' && !m.voidedAt);
  }
  async claimsIntersecting(dinerId: string, from: string, to: string): Promise<ClaimFact[]> {
    return this.claims.filter((c) => c.dinerId === dinerId && c.tripStart <= to && c.tripEnd >= from && c.status !== 'revoked');
  }
  async mealsScannedBetween(dinerId: string, from: string, to: string): Promise<MealFact[]> {
    return this.meals.filter((m) => m.dinerId === dinerId && Date.parse(m.scannedAt) >= Date.parse(from) && Date.parse(m.scannedAt) <= Date.parse(to) && !m.voidedAt);
  }
  async pairMealsBetween(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<MealFact[]> {
    return this.meals.filter((m) => m.dinerUnitId === dinerUnitId && m.canteenOwnerUnitId === ownerUnitId && m.mealDate >= from && m.mealDate <= to && !m.voidedAt);
  }
  async countPairMeals(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<number> {
    return (await this.pairMealsBetween(dinerUnitId, ownerUnitId, from, to)).length;
  }
  async canteenFlow(canteenId: string, from: string, to: string): Promise<CanteenFlow> {
    const meals = this.meals.filter((m) => m.canteenId === canteenId && m.mealDate >= from && m.mealDate <= to && !m.voidedAt);
    return { visitorMeals: meals.filter(isVisit).length, activeDays: new Set(meals.map((m) => m.mealDate)).size };
  }
  async canteenVisitorMeals(canteenId: string, mealDate: string, limit: number): Promise<MealFact[]> {
    return this.meals
      .filter((m) => m.canteenId === canteenId && m.mealDate === mealDate && !m.voidedAt && isVisit(m))
      .sort((a, b) => a.scannedAt.localeCompare(b.scannedAt) || a.mealId.localeCompare(b.mealId))
      .slice(0, limit);
  }
  async receptionsBetween(from: string, to: string): Promise<ReceptionFact[]> {
    return this.receptions.filter((r) => r.date >= from && r.date <= to);
  }
  async canteen(id: string): Promise<CanteenInfo | undefined> {
    return this.canteens.get(id);
  }
  async unit(id: string): Promise<UnitInfo | undefined> {
    return this.units.get(id);
  }
  async staff(id: string): Promise<StaffInfo | undefined> {
    return this.staffs.get(id);
  }

  addUnit(id: string, name: string, regionCode: string): UnitInfo {
    const unit = { id, name, regionCode };
    this.units.set(id, unit);
    return unit;
  }

  addCanteen(c: Partial<CanteenInfo> & { id: string; name: string }): CanteenInfo {
    const canteen: CanteenInfo = { ownerUnitId: 'unit-owner', regionCode: '330802', latitude: 28.97, longitude: 118.86, geofenceRadiusM: 200, ...c };
    this.canteens.set(canteen.id, canteen);
    return canteen;
  }

  addMeal(m: Partial<MealFact>): MealFact {
    const meal: MealFact = {
      mealId: randomUUID(),
      eventId: randomUUID(),
      dinerId: 'diner-1',
      dinerUnitId: 'unit-a',
      dinerRegionCode: '330802',
      canteenId: 'canteen-a',
      canteenOwnerUnitId: 'unit-a',
      canteenRegionCode: '330802',
      slot: 'lunch',
      mealDate: '2025-03-03',
      scannedAt: '2025-03-03T04:01:00.000Z',
      priceFen: 1500,
      payer: 'self',
      paymentKind: 'personal-wallet',
      scanLatitude: 28.97,
      scanLongitude: 118.86,
      distanceMeters: 10,
      withinGeofence: true,
      voidedAt: null,
      ...m,
    };
    this.meals.push(meal);
    return meal;
  }

  addClaim(c: Partial<ClaimFact>): ClaimFact {
    const claim: ClaimFact = {
      claimId: `claim-${randomUUID().slice(0, 8)}`,
      eventId: randomUUID(),
      dinerId: 'diner-1',
      dinerUnitId: 'unit-a',
      tripStart: '2025-03-03',
      tripEnd: '2025-03-04',
      destinationRegionCode: '330803',
      days: 2,
      allowanceFen: 20000,
      status: 'approved',
      occurredAt: '2025-03-05T01:00:00.000Z',
      ...c,
    };
    this.claims.push(claim);
    return claim;
  }

  addReception(r: Partial<ReceptionFact> & { hostUnitId: string; guestUnitIds: string[]; date: string }): ReceptionFact {
    const record: ReceptionFact = {
      recordId: `reception-${randomUUID().slice(0, 8)}`,
      eventId: randomUUID(),
      headcount: 4,
      amountFen: 48000,
      officialLetterRef: null,
      place: '机关食堂包厢',
      occurredAt: `${r.date}T10:00:00.000Z`,
      ...r,
    };
    this.receptions.push(record);
    return record;
  }
}

/** The model's default settings, with threshold overrides. */
export function settingsOf<T extends object>(model: WarningModel<T>, thresholds: Partial<T> = {}): ModelSettings<T> {
  return { key: model.key, enabled: true, severity: 'medium', scope: 'all', revision: 1, thresholds: { ...model.defaultThresholds, ...thresholds } };
}
