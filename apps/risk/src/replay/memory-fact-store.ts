import { MealSlot, ParsedEvent } from '@meal/contracts';
import { CanteenFlow, CanteenInfo, ClaimFact, isVisit, MealFact, ReceptionFact, RiskContext, StaffInfo, Trigger, UnitInfo } from '../facts/fact.types';

/** Loads organisation rows by id in bulk (the replay prefetches a batch's ids with one query per kind). */
export interface OrganisationLoader {
  canteens(ids: string[]): Promise<CanteenInfo[]>;
  units(ids: string[]): Promise<UnitInfo[]>;
  staff(ids: string[]): Promise<StaffInfo[]>;
}

const DAY_MS = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function byScan(a: MealFact, b: MealFact): number {
  return a.scannedAt.localeCompare(b.scannedAt) || a.mealId.localeCompare(b.mealId);
}

const live = (m: MealFact): boolean => m.voidedAt === null;

/**
 * The facts tables of the live path (risk_meal_facts, risk_meal_voids, risk_allowance_claims, risk_reception_records)
 * kept in memory and indexed for the models' questions, for shadow replays of the topics: `apply` gives an event
 * the same meaning FactRepository gives it (idempotent scans, voids that arrive first, the latest claim and record
 * version by occurredAt), and the RiskContext reads answer exactly as the SQL ones do. Nothing touches the database
 * but the organisation lookups, which are cached for the whole replay.
 */
export class MemoryFactStore implements RiskContext {
  private readonly meals = new Map<string, MealFact>();
  private readonly voids = new Map<string, string>();
  private readonly mealsByDiner = new Map<string, MealFact[]>();
  private readonly mealsByPairDay = new Map<string, MealFact[]>();
  private readonly mealsByCanteenDay = new Map<string, MealFact[]>();
  private readonly claims = new Map<string, ClaimFact>();
  private readonly claimsByDiner = new Map<string, Set<string>>();
  private readonly receptions = new Map<string, ReceptionFact>();
  private readonly receptionsByDate = new Map<string, Set<string>>();
  private readonly canteenCache = new Map<string, CanteenInfo | undefined>();
  private readonly unitCache = new Map<string, UnitInfo | undefined>();
  private readonly staffCache = new Map<string, StaffInfo | undefined>();

  constructor(private readonly loader: OrganisationLoader) {}

  get mealCount(): number {
    return this.meals.size;
  }

  /** Loads (once) the organisation rows the events of a batch refer to. */
  async prefetch(events: readonly ParsedEvent[]): Promise<void> {
    const canteens = new Set<string>();
    const units = new Set<string>();
    const staff = new Set<string>();
    const want = (cache: Map<string, unknown>, into: Set<string>, id: string): void => {
      if (!cache.has(id)) into.add(id);
    };
    for (const e of events) {
      if (e.type === 'meal.scanned') {
        want(this.canteenCache, canteens, e.payload.canteenId);
        want(this.unitCache, units, e.payload.dinerUnitId);
        want(this.unitCache, units, e.payload.canteenOwnerUnitId);
        want(this.staffCache, staff, e.payload.dinerId);
      } else if (e.type === 'allowance.claim') {
        want(this.unitCache, units, e.payload.dinerUnitId);
        want(this.staffCache, staff, e.payload.dinerId);
      } else if (e.type === 'reception.record') {
        for (const id of [e.payload.hostUnitId, ...e.payload.guestUnitIds]) want(this.unitCache, units, id);
      }
    }
    const fill = async <T extends { id: string }>(ids: Set<string>, cache: Map<string, T | undefined>, load: (ids: string[]) => Promise<T[]>): Promise<void> => {
      if (ids.size === 0) return;
      const rows = await load([...ids]);
      for (const id of ids) cache.set(id, undefined);
      for (const row of rows) cache.set(row.id, row);
    };
    await Promise.all([
      fill(canteens, this.canteenCache, (ids) => this.loader.canteens(ids)),
      fill(units, this.unitCache, (ids) => this.loader.units(ids)),
      fill(staff, this.staffCache, (ids) => this.loader.staff(ids)),
    ]);
  }

  /** Records an event's fact; returns the trigger to evaluate, as EvaluationService.record does. */
  apply(event: ParsedEvent): Trigger | undefined {
    switch (event.type) {
      case 'meal.scanned': {
        const p = event.payload;
        const id = p.mealId.toLowerCase();
        let meal = this.meals.get(id);
        if (!meal) {
          meal = {
            mealId: id,
            eventId: event.eventId,
            dinerId: p.dinerId,
            dinerUnitId: p.dinerUnitId,
            dinerRegionCode: p.dinerRegionCode,
            canteenId: p.canteenId,
            canteenOwnerUnitId: p.canteenOwnerUnitId,
            canteenRegionCode: p.canteenRegionCode,
            slot: p.slot,
            mealDate: p.mealDate,
            scannedAt: new Date(p.scannedAt).toISOString(),
            priceFen: p.priceFen,
            payer: p.payer,
            paymentKind: p.paymentKind,
            scanLatitude: p.scanLatitude,
            scanLongitude: p.scanLongitude,
            distanceMeters: p.distanceMeters,
            withinGeofence: p.withinGeofence,
            voidedAt: this.voids.get(id) ?? null,
          };
          this.meals.set(id, meal);
          push(this.mealsByDiner, meal.dinerId, meal);
          push(this.mealsByPairDay, `${meal.dinerUnitId}|${meal.canteenOwnerUnitId}|${meal.mealDate}`, meal);
          push(this.mealsByCanteenDay, `${meal.canteenId}|${meal.mealDate}`, meal);
        }
        return { kind: 'meal', eventId: event.eventId, meal };
      }
      case 'meal.voided': {
        const id = event.payload.mealId.toLowerCase();
        const voidedAt = new Date(event.payload.voidedAt).toISOString();
        if (!this.voids.has(id)) this.voids.set(id, voidedAt);
        const meal = this.meals.get(id);
        if (meal && meal.voidedAt === null) meal.voidedAt = voidedAt;
        return undefined;
      }
      case 'allowance.claim': {
        const p = event.payload;
        const current = this.claims.get(p.claimId);
        const occurredAt = new Date(event.occurredAt).toISOString();
        if (!current || current.occurredAt <= occurredAt) {
          if (current) this.claimsByDiner.get(current.dinerId)?.delete(p.claimId);
          this.claims.set(p.claimId, { claimId: p.claimId, eventId: event.eventId, dinerId: p.dinerId, dinerUnitId: p.dinerUnitId, tripStart: p.tripStart, tripEnd: p.tripEnd, destinationRegionCode: p.destinationRegionCode, days: p.days, allowanceFen: p.allowanceFen, status: p.status, occurredAt });
          addTo(this.claimsByDiner, p.dinerId, p.claimId);
        }
        return { kind: 'claim', eventId: event.eventId, claim: this.claims.get(p.claimId)! };
      }
      case 'reception.record': {
        const p = event.payload;
        const current = this.receptions.get(p.recordId);
        const occurredAt = new Date(event.occurredAt).toISOString();
        if (!current || current.occurredAt <= occurredAt) {
          if (current) this.receptionsByDate.get(current.date)?.delete(p.recordId);
          this.receptions.set(p.recordId, { recordId: p.recordId, eventId: event.eventId, hostUnitId: p.hostUnitId, guestUnitIds: [...p.guestUnitIds], date: p.date, headcount: p.headcount, amountFen: p.amountFen, officialLetterRef: p.officialLetterRef, place: p.place, occurredAt });
          addTo(this.receptionsByDate, p.date, p.recordId);
        }
        return { kind: 'reception', eventId: event.eventId, record: this.receptions.get(p.recordId)! };
      }
      default:
        return undefined;
    }
  }

  async mealsInSlot(dinerId: string, mealDate: string, slot: MealSlot): Promise<MealFact[]> {
    return (this.mealsByDiner.get(dinerId) ?? []).filter((m) => m.mealDate === mealDate && m.slot === slot && live(m)).sort(byScan);
  }

  async unitPaidMealsBetween(dinerId: string, from: string, to: string): Promise<MealFact[]> {
    return (this.mealsByDiner.get(dinerId) ?? []).filter((m) => m.mealDate >= from && m.mealDate <= to && m.payer === 'unit' && live(m)).sort(byScan);
  }

  async claimsIntersecting(dinerId: string, from: string, to: string): Promise<ClaimFact[]> {
    const ids = this.claimsByDiner.get(dinerId);
    if (!ids) return [];
    return [...ids]
      .map((id) => this.claims.get(id)!)
      .filter((c) => c.tripStart <= to && c.tripEnd >= from && c.status !== 'revoked')
      .sort((a, b) => a.claimId.localeCompare(b.claimId));
  }

  async mealsScannedBetween(dinerId: string, from: string, to: string): Promise<MealFact[]> {
    const [f, t] = [Date.parse(from), Date.parse(to)];
    return (this.mealsByDiner.get(dinerId) ?? [])
      .filter((m) => {
        const at = Date.parse(m.scannedAt);
        return at >= f && at <= t && live(m);
      })
      .sort(byScan);
  }

  async pairMealsBetween(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<MealFact[]> {
    const out: MealFact[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) for (const m of this.mealsByPairDay.get(`${dinerUnitId}|${ownerUnitId}|${d}`) ?? []) if (live(m)) out.push(m);
    return out.sort(byScan);
  }

  async countPairMeals(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<number> {
    let n = 0;
    for (let d = from; d <= to; d = addDays(d, 1)) for (const m of this.mealsByPairDay.get(`${dinerUnitId}|${ownerUnitId}|${d}`) ?? []) if (live(m)) n += 1;
    return n;
  }

  async canteenFlow(canteenId: string, from: string, to: string): Promise<CanteenFlow> {
    let visitorMeals = 0;
    let activeDays = 0;
    for (let d = from; d <= to; d = addDays(d, 1)) {
      let any = false;
      for (const m of this.mealsByCanteenDay.get(`${canteenId}|${d}`) ?? []) {
        if (!live(m)) continue;
        any = true;
        if (isVisit(m)) visitorMeals += 1;
      }
      if (any) activeDays += 1;
    }
    return { visitorMeals, activeDays };
  }

  async canteenVisitorMeals(canteenId: string, mealDate: string, limit: number): Promise<MealFact[]> {
    return (this.mealsByCanteenDay.get(`${canteenId}|${mealDate}`) ?? []).filter((m) => live(m) && isVisit(m)).sort(byScan).slice(0, limit);
  }

  async receptionsBetween(from: string, to: string): Promise<ReceptionFact[]> {
    const out: ReceptionFact[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) for (const id of this.receptionsByDate.get(d) ?? []) out.push(this.receptions.get(id)!);
    return out.sort((a, b) => a.date.localeCompare(b.date) || a.recordId.localeCompare(b.recordId));
  }

  async canteen(id: string): Promise<CanteenInfo | undefined> {
    if (!this.canteenCache.has(id)) this.canteenCache.set(id, (await this.loader.canteens([id]))[0]);
    return this.canteenCache.get(id);
  }

  async unit(id: string): Promise<UnitInfo | undefined> {
    if (!this.unitCache.has(id)) this.unitCache.set(id, (await this.loader.units([id]))[0]);
    return this.unitCache.get(id);
  }

  async staff(id: string): Promise<StaffInfo | undefined> {
    if (!this.staffCache.has(id)) this.staffCache.set(id, (await this.loader.staff([id]))[0]);
    return this.staffCache.get(id);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
