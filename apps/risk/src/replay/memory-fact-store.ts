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

/** A validated UTC timestamp in the form toISOString gives (24 characters: milliseconds and Z) is kept as it is. */
const utcIso = (instant: string): string => (instant.length === 24 ? instant : new Date(instant).toISOString());

/** A diner's meals in scan order (byScan), with their scan instants in ms alongside for range searches. */
interface DinerMeals {
  meals: MealFact[];
  at: number[];
}

/** The meals of one day of a unit pair or a canteen, with running counts of the non-voided ones. */
interface DayBucket {
  meals: MealFact[];
  live: number;
  liveVisitors: number;
}

/**
 * The facts tables of the live path (risk_meal_facts, risk_meal_voids, risk_allowance_claims, risk_reception_records)
 * kept in memory and indexed for the models' questions, for shadow replays of the topics: `apply` gives an event
 * the same meaning FactRepository gives it (idempotent scans, voids that arrive first, the latest claim and record
 * version by occurredAt), and the RiskContext reads answer exactly as the SQL ones do. Nothing touches the database
 * but the organisation lookups, which are cached for the whole replay.
 *
 * Indexes: per diner the meals in scan order (range reads by binary search, no sorting); per unit pair and per canteen
 * a bucket per day number with counts of the non-voided (visitor) meals kept up to date by scans and voids, so the
 * counting questions of unusual flow cost one lookup per day instead of a pass over the day's meals.
 */
export class MemoryFactStore implements RiskContext {
  private readonly meals = new Map<string, MealFact>();
  private readonly voids = new Map<string, string>();
  private readonly mealsByDiner = new Map<string, DinerMeals>();
  /** By diner unit, then canteen owner unit. */
  private readonly mealsByPair = new Map<string, Map<string, Map<number, DayBucket>>>();
  private readonly mealsByCanteen = new Map<string, Map<number, DayBucket>>();
  private readonly dayNumbers = new Map<string, number>();
  /**
   * One copy of each repeated string of the stored meals (ids of diners, units and canteens, region codes, dates,
   * enumerations): the meals of a long replay keep these instead of the strings of every parsed message.
   */
  private readonly strings = new Map<string, string>();
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

  /** Meals, claims and reception records held. */
  get factCount(): number {
    return this.meals.size + this.claims.size + this.receptions.size;
  }

  private intern<T extends string>(value: T): T {
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  private pairDays(dinerUnitId: string, ownerUnitId: string, create: boolean): Map<number, DayBucket> | undefined {
    let owners = this.mealsByPair.get(dinerUnitId);
    if (!owners) {
      if (!create) return undefined;
      owners = new Map();
      this.mealsByPair.set(dinerUnitId, owners);
    }
    let days = owners.get(ownerUnitId);
    if (!days && create) {
      days = new Map();
      owners.set(ownerUnitId, days);
    }
    return days;
  }

  /** Days since 1970-01-01 of a YYYY-MM-DD date (memoised: a replay sees few distinct dates). */
  private day(date: string): number {
    let n = this.dayNumbers.get(date);
    if (n === undefined) {
      n = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
      this.dayNumbers.set(date, n);
    }
    return n;
  }

  private bucket(days: Map<number, DayBucket>, day: number): DayBucket {
    let bucket = days.get(day);
    if (!bucket) {
      bucket = { meals: [], live: 0, liveVisitors: 0 };
      days.set(day, bucket);
    }
    return bucket;
  }

  private index(meal: MealFact): void {
    const at = Date.parse(meal.scannedAt);
    let diner = this.mealsByDiner.get(meal.dinerId);
    if (!diner) {
      diner = { meals: [], at: [] };
      this.mealsByDiner.set(meal.dinerId, diner);
    }
    // usually appended: scans arrive about in scan order
    let i = diner.meals.length;
    while (i > 0 && (diner.at[i - 1] > at || (diner.at[i - 1] === at && byScan(diner.meals[i - 1], meal) > 0))) i -= 1;
    diner.meals.splice(i, 0, meal);
    diner.at.splice(i, 0, at);
    const day = this.day(meal.mealDate);
    const counted = live(meal) ? 1 : 0;
    const visitor = counted && isVisit(meal) ? 1 : 0;
    let canteenDays = this.mealsByCanteen.get(meal.canteenId);
    if (!canteenDays) {
      canteenDays = new Map();
      this.mealsByCanteen.set(meal.canteenId, canteenDays);
    }
    for (const bucket of [this.bucket(this.pairDays(meal.dinerUnitId, meal.canteenOwnerUnitId, true)!, day), this.bucket(canteenDays, day)]) {
      bucket.meals.push(meal);
      bucket.live += counted;
      bucket.liveVisitors += visitor;
    }
  }

  /** A stored, not yet voided meal is voided: its day buckets count one meal less. */
  private voided(meal: MealFact): void {
    const day = this.day(meal.mealDate);
    const visitor = isVisit(meal) ? 1 : 0;
    for (const bucket of [this.pairDays(meal.dinerUnitId, meal.canteenOwnerUnitId, false)?.get(day), this.mealsByCanteen.get(meal.canteenId)?.get(day)]) {
      if (!bucket) continue;
      bucket.live -= 1;
      bucket.liveVisitors -= visitor;
    }
  }

  /** The day buckets of `key` with days in [from, to], in day order. */
  private buckets(days: Map<number, DayBucket> | undefined, from: string, to: string): DayBucket[] {
    if (!days) return [];
    const [f, t] = [this.day(from), this.day(to)];
    const out: DayBucket[] = [];
    if (t - f + 1 <= days.size) {
      for (let d = f; d <= t; d += 1) {
        const bucket = days.get(d);
        if (bucket) out.push(bucket);
      }
    } else {
      for (const [d, bucket] of days) if (d >= f && d <= t) out.push(bucket);
    }
    return out;
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
            dinerId: this.intern(p.dinerId),
            dinerUnitId: this.intern(p.dinerUnitId),
            dinerRegionCode: this.intern(p.dinerRegionCode),
            canteenId: this.intern(p.canteenId),
            canteenOwnerUnitId: this.intern(p.canteenOwnerUnitId),
            canteenRegionCode: this.intern(p.canteenRegionCode),
            slot: this.intern(p.slot),
            mealDate: this.intern(p.mealDate),
            scannedAt: utcIso(p.scannedAt),
            priceFen: p.priceFen,
            payer: this.intern(p.payer),
            paymentKind: this.intern(p.paymentKind),
            scanLatitude: p.scanLatitude,
            scanLongitude: p.scanLongitude,
            distanceMeters: p.distanceMeters,
            withinGeofence: p.withinGeofence,
            voidedAt: this.voids.get(id) ?? null,
          };
          this.meals.set(id, meal);
          this.index(meal);
        }
        return { kind: 'meal', eventId: event.eventId, meal };
      }
      case 'meal.voided': {
        const id = event.payload.mealId.toLowerCase();
        const voidedAt = new Date(event.payload.voidedAt).toISOString();
        if (!this.voids.has(id)) this.voids.set(id, voidedAt);
        const meal = this.meals.get(id);
        if (meal && meal.voidedAt === null) {
          meal.voidedAt = voidedAt;
          this.voided(meal);
        }
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
    const diner = this.mealsByDiner.get(dinerId);
    if (!diner) return [];
    return diner.meals.filter((m) => m.mealDate === mealDate && m.slot === slot && live(m));
  }

  async unitPaidMealsBetween(dinerId: string, from: string, to: string): Promise<MealFact[]> {
    const diner = this.mealsByDiner.get(dinerId);
    if (!diner) return [];
    return diner.meals.filter((m) => m.mealDate >= from && m.mealDate <= to && m.payer === 'unit' && live(m));
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
    const diner = this.mealsByDiner.get(dinerId);
    if (!diner) return [];
    const [f, t] = [Date.parse(from), Date.parse(to)];
    // first index with at >= f (the list is in scan order)
    let lo = 0;
    let hi = diner.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (diner.at[mid] < f) lo = mid + 1;
      else hi = mid;
    }
    const out: MealFact[] = [];
    for (let i = lo; i < diner.at.length && diner.at[i] <= t; i += 1) if (live(diner.meals[i])) out.push(diner.meals[i]);
    return out;
  }

  async pairMealsBetween(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<MealFact[]> {
    const out: MealFact[] = [];
    for (const bucket of this.buckets(this.pairDays(dinerUnitId, ownerUnitId, false), from, to)) for (const m of bucket.meals) if (live(m)) out.push(m);
    return out.sort(byScan);
  }

  async countPairMeals(dinerUnitId: string, ownerUnitId: string, from: string, to: string): Promise<number> {
    let n = 0;
    for (const bucket of this.buckets(this.pairDays(dinerUnitId, ownerUnitId, false), from, to)) n += bucket.live;
    return n;
  }

  async canteenFlow(canteenId: string, from: string, to: string): Promise<CanteenFlow> {
    let visitorMeals = 0;
    let activeDays = 0;
    for (const bucket of this.buckets(this.mealsByCanteen.get(canteenId), from, to)) {
      visitorMeals += bucket.liveVisitors;
      if (bucket.live > 0) activeDays += 1;
    }
    return { visitorMeals, activeDays };
  }

  async canteenVisitorMeals(canteenId: string, mealDate: string, limit: number): Promise<MealFact[]> {
    const [bucket] = this.buckets(this.mealsByCanteen.get(canteenId), mealDate, mealDate);
    return (bucket?.meals ?? []).filter((m) => live(m) && isVisit(m)).sort(byScan).slice(0, limit);
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

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
