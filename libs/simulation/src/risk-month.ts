import { createEvent, EventEnvelope, EventTypes, MealPayer, MealSlot, PaymentKind } from '@meal/contracts';
import { CanteenRow, DemoCityData, SeededRandom, StaffRow, UnitRow } from '@meal/organisation';
import { haversineMeters } from '@meal/organisation/common/geo';

/**
 * A month of a city for the risk models: meal scans, travel meal allowance claims and official reception records of
 * the demo city (generateDemoCity, the data seedDemoCity inserts), with injected violations of every warning model
 * and the ground truth (the dedupe keys each injection must raise). Deterministic from the seed. Events come day by
 * day in time order (`eventsOfDay`), so a caller can publish a day and let the consumers catch up before the next,
 * as live traffic would; nothing of the month is held in memory but the plan.
 *
 * Normal traffic is built so that no model fires on it (precision is measured against it): home meals at the
 * canteen of the diner's own unit inside its geofence; one canteen per diner and day (≥ 12.5 h between a day's
 * dinner and the next breakfast); official day visits to another county's canteen (unit-paid or self-paid) only on
 * days without a claim; trips with claims whose meals are self-paid, claims of one diner never overlapping; claims
 * submitted for a trip that is then cancelled (revoked before the day, with unit-paid meals on it: a near miss);
 * receptions of other cities' guests only. Cross-unit flows stay small (far below the unit-pair minCount).
 */
export interface RiskMonthOptions {
  seed: number;
  /** First simulated day (Asia/Shanghai), YYYY-MM-DD. */
  startDate: string;
  days: number;
  /** Diners eating on a working day (weekends: a tenth). */
  dinersPerDay: number;
  /** Injected cases per normal meal (at least one of each kind). */
  injectionRate: number;
  /** Share of a working day's diners on an official day visit to another county's canteen (default 0.04). */
  visitShare?: number;
  /** Share of diners starting a trip (with a claim) on a working day (default 0.01). */
  tripShare?: number;
}

export const INJECTION_KINDS = [
  'two-meals',
  'dup-subsidy-meal',
  'dup-subsidy-claims',
  'geofence',
  'speed',
  'same-city-reception',
  'mutual-pair',
  'mutual-cycle',
  'pair-surge',
  'canteen-surge',
] as const;
export type InjectionKind = (typeof INJECTION_KINDS)[number];

/** A warning the risk service must raise: its model and dedupe key. */
export interface ExpectedWarning {
  model: string;
  dedupeKey: string;
}

export interface Injection {
  id: string;
  kind: InjectionKind;
  date: string;
  description: string;
  expected: ExpectedWarning[];
}

export interface RiskMonthGroundTruth {
  seed: number;
  startDate: string;
  days: number;
  models: string[];
  injections: Injection[];
}

/** Units of other cities (guests of normal receptions); insert them with insertSimulationOrganisation. */
export interface ExternalUnit {
  id: string;
  code: string;
  name: string;
  regionCode: string;
  regionName: string;
}

const EXTERNAL_CITIES = [
  { code: '330100', name: '杭州市' },
  { code: '330700', name: '金华市' },
  { code: '330200', name: '宁波市' },
  { code: '361100', name: '上饶市' },
] as const;
const EXTERNAL_DEPARTMENTS = ['财政局', '发展和改革委员会', '教育局', '交通运输局', '文化和旅游局'] as const;

export const RISK_MODEL_KEYS = ['two-meals-one-slot', 'duplicate-subsidy', 'proxy-or-fake-scan', 'same-city-reception', 'mutual-treating', 'unusual-flow'] as const;

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function isWeekend(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

/** The UTC instant of a Shanghai wall-clock minute of the day (minutes since midnight). */
function instantOf(date: string, minuteOfDay: number, second = 0): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS + minuteOfDay * 60_000 + second * 1000).toISOString();
}

const SLOT_MINUTES: Record<MealSlot, [number, number]> = { breakfast: [7 * 60 + 15, 8 * 60 + 30], lunch: [11 * 60 + 30, 12 * 60 + 45], dinner: [17 * 60 + 30, 18 * 60 + 45] };
const SLOT_PRICE: Record<MealSlot, number> = { breakfast: 800, lunch: 1800, dinner: 1500 };

interface Diner {
  staff: StaffRow;
  unit: UnitRow;
  home: CanteenRow;
}

/** One meal to emit. */
interface PlannedMeal {
  mealId: string;
  diner: Diner;
  canteen: CanteenRow;
  slot: MealSlot;
  minute: number;
  payer: MealPayer;
  /** Metres from the canteen; > radius means outside the geofence. */
  distance?: number;
}

interface PlannedClaim {
  claimId: string;
  diner: Diner;
  tripStart: string;
  tripEnd: string;
  destinationRegionCode: string;
  status: 'submitted' | 'approved' | 'revoked';
}

interface PlannedReception {
  recordId: string;
  hostUnitId: string;
  guestUnitIds: string[];
  officialLetterRef: string | null;
  headcount: number;
}

/** What a day holds besides normal meals: claims (by submission day), receptions, injected meals, busy diners. */
interface DayPlan {
  meals: PlannedMeal[];
  claims: { claim: PlannedClaim; minute: number }[];
  receptions: PlannedReception[];
  /** Diners whose normal plan is replaced (trips, injections). */
  busy: Set<string>;
  /** Canteens a surge is injected at (no second surge there). */
  surged: Set<string>;
}

export class RiskMonthGenerator {
  readonly externalUnits: ExternalUnit[] = [];
  private readonly rng: SeededRandom;
  private readonly diners: Diner[];
  private readonly staffByUnit = new Map<string, StaffRow[]>();
  private readonly canteens: CanteenRow[];
  private readonly canteenById: Map<string, CanteenRow>;
  private readonly unitById: Map<string, UnitRow>;
  private readonly countyOf = (regionCode: string): string => regionCode.slice(0, 6);
  private readonly plans = new Map<string, DayPlan>();
  private readonly injections: Injection[] = [];
  private readonly usedReceptionUnits = new Set<string>();
  private serial = 0;
  private normalMealEstimate = 0;

  constructor(
    private readonly city: DemoCityData,
    private readonly options: RiskMonthOptions,
  ) {
    this.rng = new SeededRandom(options.seed);
    this.unitById = new Map(city.units.map((u) => [u.id, u]));
    this.canteens = city.canteens;
    this.canteenById = new Map(city.canteens.map((c) => [c.id, c]));
    const homeOf = new Map<string, CanteenRow>();
    for (const c of city.canteens) if (!homeOf.has(c.ownerUnitId)) homeOf.set(c.ownerUnitId, c);
    const eligible = city.staff.filter((s) => s.active && homeOf.has(s.unitId));
    const population = Math.min(eligible.length, Math.ceil(options.dinersPerDay * 1.6));
    this.diners = this.rng.shuffle(eligible).slice(0, population).map((staff) => ({ staff, unit: this.unitById.get(staff.unitId)!, home: homeOf.get(staff.unitId)! }));
    for (const s of city.staff) if (s.active) this.staffByUnit.set(s.unitId, [...(this.staffByUnit.get(s.unitId) ?? []), s]);
    for (let i = 0; i < options.days; i += 1) this.plans.set(this.date(i), { meals: [], claims: [], receptions: [], busy: new Set(), surged: new Set() });
    this.buildExternalUnits();
    this.planTrips();
    this.planInjections();
  }

  get dates(): string[] {
    return Array.from({ length: this.options.days }, (_, i) => this.date(i));
  }

  groundTruth(): RiskMonthGroundTruth {
    return { seed: this.options.seed, startDate: this.options.startDate, days: this.options.days, models: [...RISK_MODEL_KEYS], injections: this.injections };
  }

  /** The events of one day, in time order (meal scans, claims, reception records). */
  eventsOfDay(date: string): EventEnvelope[] {
    const plan = this.plans.get(date);
    if (!plan) throw new Error(`${date} is not in the simulated month`);
    const rng = new SeededRandom(this.options.seed * 1000 + this.dates.indexOf(date) + 1);
    const meals = [...plan.meals, ...this.normalMeals(date, plan, rng)];
    const events: { at: string; envelope: EventEnvelope }[] = meals.map((m) => this.mealEvent(date, m, rng));
    for (const { claim, minute } of plan.claims) events.push(this.claimEvent(date, claim, minute));
    plan.receptions.forEach((r, i) => events.push(this.receptionEvent(date, r, 15 * 60 + i)));
    return events.sort((a, b) => a.at.localeCompare(b.at)).map((e) => e.envelope);
  }

  // ---- normal traffic -------------------------------------------------------------------------------------

  private normalMeals(date: string, plan: DayPlan, rng: SeededRandom): PlannedMeal[] {
    const share = (isWeekend(date) ? 0.1 : 1) * Math.min(1, this.options.dinersPerDay / this.diners.length);
    const visitShare = this.options.visitShare ?? 0.04;
    const meals: PlannedMeal[] = [];
    for (const diner of this.diners) {
      if (plan.busy.has(diner.staff.id) || !rng.chance(share)) continue;
      const meal = (canteen: CanteenRow, slot: MealSlot, payer: MealPayer): PlannedMeal => ({
        mealId: rng.uuid(),
        diner,
        canteen,
        slot,
        minute: rng.int(...SLOT_MINUTES[slot]),
        payer,
      });
      if (!isWeekend(date) && rng.chance(visitShare)) {
        // an official day visit: lunch at another county's canteen (paid by the unit or by the diner), home breakfast
        const away = this.pickCanteen(rng, (c) => this.countyOf(c.regionCode) !== this.countyOf(diner.home.regionCode));
        if (rng.chance(0.3)) meals.push(meal(diner.home, 'breakfast', 'self'));
        meals.push(meal(away, 'lunch', rng.chance(0.5) ? 'unit' : 'self'));
        continue;
      }
      if (rng.chance(0.3)) meals.push(meal(diner.home, 'breakfast', 'self'));
      meals.push(meal(diner.home, 'lunch', 'self'));
      if (rng.chance(0.1)) meals.push(meal(diner.home, 'dinner', 'self'));
    }
    return meals;
  }

  /** Trips with claims (self-paid meals at the destination), and cancelled trips whose claim is revoked first. */
  private planTrips(): void {
    const tripShare = this.options.tripShare ?? 0.01;
    for (let i = 0; i < this.options.days - 4; i += 1) {
      const start = this.date(i);
      if (isWeekend(start)) continue;
      for (const diner of this.diners) {
        if (!this.rng.chance(tripShare)) continue;
        const length = this.rng.int(1, 3);
        const days = Array.from({ length }, (_, k) => addDays(start, k));
        if (!this.free(diner, [addDays(start, -1), ...days, addDays(start, length)])) continue;
        const destination = this.pickCanteen(this.rng, (c) => this.countyOf(c.regionCode) !== this.countyOf(diner.home.regionCode));
        const claim: PlannedClaim = {
          claimId: this.id('claim'),
          diner,
          tripStart: days[0],
          tripEnd: days[days.length - 1],
          destinationRegionCode: this.countyOf(destination.regionCode),
          status: this.rng.chance(0.8) ? 'approved' : 'submitted',
        };
        const cancelled = i >= 3 && this.rng.chance(0.1);
        for (const d of [addDays(start, -1), ...days, addDays(start, length)]) this.plans.get(d)?.busy.add(diner.staff.id);
        if (cancelled) {
          // submitted three days ahead, revoked the day before; the diner then eats unit-paid on the would-be trip day
          this.plans.get(addDays(start, -3))?.claims.push({ claim: { ...claim, status: 'submitted' }, minute: 9 * 60 });
          this.plans.get(addDays(start, -1))?.claims.push({ claim: { ...claim, status: 'revoked' }, minute: 16 * 60 });
          this.plans.get(start)?.meals.push(this.planned(diner, destination, 'lunch', 'unit'));
          continue;
        }
        for (const d of days) this.plans.get(d)?.meals.push(this.planned(diner, destination, 'lunch', 'self'));
        const submitted = addDays(claim.tripEnd, this.rng.int(1, 3));
        this.plans.get(submitted)?.claims.push({ claim, minute: 10 * 60 + this.rng.int(0, 300) });
      }
    }
    // normal receptions: Quzhou hosts, guests from other cities
    for (let i = 0; i < this.options.days; i += 1) {
      const date = this.date(i);
      if (isWeekend(date)) continue;
      for (let k = this.rng.int(0, 2); k > 0; k -= 1) {
        const host = this.rng.pick(this.city.units.filter((u) => u.regionCode.startsWith('3308')));
        const guests = this.rng.shuffle(this.externalUnits).slice(0, this.rng.int(1, 2));
        this.plans.get(date)!.receptions.push({ recordId: this.id('rec'), hostUnitId: host.id, guestUnitIds: guests.map((g) => g.id), officialLetterRef: `衢公函〔2025〕${this.serial}号`, headcount: this.rng.int(2, 8) });
      }
    }
    this.normalMealEstimate = this.options.dinersPerDay * 1.4 * this.options.days * (5 / 7 + 0.1 * (2 / 7));
  }

  // ---- injections -----------------------------------------------------------------------------------------

  private planInjections(): void {
    const perKind = Math.max(1, Math.round((this.options.injectionRate * this.normalMealEstimate) / INJECTION_KINDS.length));
    for (const kind of INJECTION_KINDS) {
      for (let n = 0; n < perKind; n += 1) {
        for (let attempt = 0; attempt < 50; attempt += 1) if (this.inject(kind)) break;
      }
    }
  }

  private inject(kind: InjectionKind): boolean {
    const id = `inj-${String(this.injections.length + 1).padStart(4, '0')}-${kind}`;
    const add = (date: string, description: string, expected: ExpectedWarning[]): true => {
      this.injections.push({ id, kind, date, description, expected });
      return true;
    };
    // surges need a history of the canteen (≥ 5 active days) and of the pair: the second half of the month
    const late = kind === 'canteen-surge' || kind === 'pair-surge';
    const first = late ? Math.min(this.options.days - 2, 10) : 1;
    const dayIndex = this.rng.int(first, this.options.days - 5);
    const date = this.date(dayIndex);
    if (isWeekend(date)) return false;
    switch (kind) {
      case 'two-meals': {
        const d = this.freeDiner([date]);
        if (!d) return false;
        const a = this.planned(d, d.home, 'lunch', 'self', 11 * 60 + 40);
        const b = this.planned(d, d.home, 'lunch', 'self', 12 * 60 + 5);
        this.plans.get(date)!.meals.push(a, b);
        return add(date, `${d.staff.name} 同一午餐两次扫码`, [{ model: 'two-meals-one-slot', dedupeKey: `two-meals:${d.staff.id}:${date}:lunch` }]);
      }
      case 'geofence': {
        const d = this.freeDiner([date]);
        if (!d) return false;
        const m = this.planned(d, d.home, 'lunch', 'self');
        m.distance = d.home.geofenceRadiusM + this.rng.int(50, 2000);
        this.plans.get(date)!.meals.push(m);
        return add(date, `${d.staff.name} 围栏外扫码`, [{ model: 'proxy-or-fake-scan', dedupeKey: `proxy-scan:geofence:${m.mealId}` }]);
      }
      case 'speed': {
        const d = this.freeDiner([date]);
        if (!d) return false;
        const far = this.canteens.filter((c) => haversineMeters(c.latitude, c.longitude, d.home.latitude, d.home.longitude) > 30_000);
        if (far.length === 0) return false;
        const a = this.planned(d, d.home, 'lunch', 'self', 11 * 60 + 40);
        const b = this.planned(d, this.rng.pick(far), 'lunch', 'self', 11 * 60 + 50);
        this.plans.get(date)!.meals.push(a, b);
        const [x, y] = [a.mealId, b.mealId].sort();
        return add(date, `${d.staff.name} 10分钟内在相距30公里以上的两个食堂扫码`, [
          { model: 'proxy-or-fake-scan', dedupeKey: `proxy-scan:speed:${x}:${y}` },
          { model: 'two-meals-one-slot', dedupeKey: `two-meals:${d.staff.id}:${date}:lunch` },
        ]);
      }
      case 'dup-subsidy-meal': {
        const days = [date, addDays(date, 1)];
        const d = this.freeDiner([addDays(date, -1), ...days, addDays(date, 2)]);
        if (!d) return false;
        const destination = this.pickCanteen(this.rng, (c) => this.countyOf(c.regionCode) !== this.countyOf(d.home.regionCode));
        const claim = this.claim(d, days[0], days[1], destination, 'approved');
        const paid = this.planned(d, destination, 'lunch', 'unit');
        this.plans.get(days[0])!.meals.push(paid);
        this.plans.get(days[1])!.meals.push(this.planned(d, destination, 'lunch', 'self'));
        this.plans.get(addDays(date, 3))?.claims.push({ claim, minute: 10 * 60 });
        return add(date, `${d.staff.name} 出差期间公务结算就餐且申领伙食补助`, [{ model: 'duplicate-subsidy', dedupeKey: `dup-subsidy:meal:${paid.mealId}:${claim.claimId}` }]);
      }
      case 'dup-subsidy-claims': {
        const days = [0, 1, 2, 3].map((k) => addDays(date, k));
        const d = this.freeDiner([addDays(date, -1), ...days, addDays(date, 4)]);
        if (!d) return false;
        const destination = this.pickCanteen(this.rng, (c) => this.countyOf(c.regionCode) !== this.countyOf(d.home.regionCode));
        const a = this.claim(d, days[0], days[2], destination, 'approved');
        const b = this.claim(d, days[1], days[3], destination, 'submitted');
        for (const day of days) this.plans.get(day)!.meals.push(this.planned(d, destination, 'lunch', 'self'));
        this.plans.get(addDays(date, 4))!.claims.push({ claim: a, minute: 9 * 60 + 30 });
        this.plans.get(addDays(date, 4))!.claims.push({ claim: b, minute: 14 * 60 });
        const [x, y] = [a.claimId, b.claimId].sort();
        return add(date, `${d.staff.name} 两笔行程重叠的差旅伙食补助`, [{ model: 'duplicate-subsidy', dedupeKey: `dup-subsidy:claims:${x}:${y}` }]);
      }
      case 'same-city-reception': {
        const [host, guest] = this.freshQuzhouUnits(2);
        if (!guest) return false;
        const r = this.reception(date, host, [guest], this.rng.chance(0.5));
        return add(date, `${host.name}接待同城${guest.name}`, [{ model: 'same-city-reception', dedupeKey: `same-city-reception:${r.recordId}` }]);
      }
      case 'mutual-pair': {
        const [a, b] = this.freshQuzhouUnits(2);
        if (!b) return false;
        const later = addDays(date, this.rng.int(2, 4));
        const r1 = this.reception(date, a, [b], false);
        const r2 = this.reception(later, b, [a], false);
        const ids = [r1.recordId, r2.recordId].sort();
        return add(date, `${a.name}与${b.name}相互接待`, [
          { model: 'mutual-treating', dedupeKey: `mutual-treating:pair:${ids.join(':')}` },
          { model: 'same-city-reception', dedupeKey: `same-city-reception:${r1.recordId}` },
          { model: 'same-city-reception', dedupeKey: `same-city-reception:${r2.recordId}` },
        ]);
      }
      case 'mutual-cycle': {
        const [a, b, c] = this.freshQuzhouUnits(3);
        if (!c) return false;
        const r1 = this.reception(date, a, [b], false);
        const r2 = this.reception(addDays(date, 1), b, [c], false);
        const r3 = this.reception(addDays(date, 3), c, [a], false);
        const ids = [r1.recordId, r2.recordId, r3.recordId].sort();
        return add(date, `${a.name}→${b.name}→${c.name}循环接待`, [
          { model: 'mutual-treating', dedupeKey: `mutual-treating:cycle:${[a.id, b.id, c.id].sort().join('+')}:${ids.join(':')}` },
          ...[r1, r2, r3].map((r) => ({ model: 'same-city-reception', dedupeKey: `same-city-reception:${r.recordId}` })),
        ]);
      }
      case 'pair-surge': {
        // staff of one unit (any of them: not only the diners of the normal traffic) lunching at another unit's canteen
        const plan = this.plans.get(date)!;
        const units = this.rng.shuffle([...this.staffByUnit.entries()].filter(([, list]) => list.length >= 20));
        const source = units[0];
        if (!source) return false;
        const unit = this.unitById.get(source[0])!;
        const target = this.pickCanteen(this.rng, (c) => c.ownerUnitId !== unit.id && !plan.surged.has(c.id));
        const visitors = this.rng
          .shuffle(source[1])
          .filter((s) => !plan.busy.has(s.id))
          .slice(0, this.rng.int(12, 18));
        if (visitors.length < 12) return false;
        plan.surged.add(target.id);
        for (const staff of visitors) {
          plan.busy.add(staff.id);
          plan.meals.push(this.planned({ staff, unit, home: target }, target, 'lunch', 'self'));
        }
        return add(date, `${unit.name} ${visitors.length}人到${target.name}就餐`, [
          { model: 'unusual-flow', dedupeKey: `unusual-flow:pair:${unit.id}:${target.ownerUnitId}:${date}` },
        ]);
      }
      case 'canteen-surge': {
        const plan = this.plans.get(date)!;
        // a canteen with a steady history: the home of at least three diners of the population
        const homeCount = new Map<CanteenRow, number>();
        for (const d of this.diners) homeCount.set(d.home, (homeCount.get(d.home) ?? 0) + 1);
        const homes = [...homeCount].filter(([c, n]) => n >= 3 && !plan.surged.has(c.id)).map(([c]) => c);
        if (homes.length === 0) return false;
        const target = this.rng.pick(homes);
        const perUnit = new Map<string, number>();
        const visitors: Diner[] = [];
        const wanted = this.rng.int(40, 55);
        for (const d of this.rng.shuffle(this.diners)) {
          if (visitors.length >= wanted) break;
          if (d.unit.id === target.ownerUnitId || (perUnit.get(d.unit.id) ?? 0) >= 5 || !this.free(d, [date])) continue;
          perUnit.set(d.unit.id, (perUnit.get(d.unit.id) ?? 0) + 1);
          visitors.push(d);
        }
        if (visitors.length < wanted) return false;
        plan.surged.add(target.id);
        for (const d of visitors) {
          plan.busy.add(d.staff.id);
          plan.meals.push(this.planned(d, target, 'lunch', 'self'));
        }
        return add(date, `${target.name}外单位就餐${visitors.length}人次（${perUnit.size}个单位）`, [
          { model: 'unusual-flow', dedupeKey: `unusual-flow:canteen:${target.id}:${date}` },
        ]);
      }
      default:
        return false;
    }
  }

  // ---- helpers --------------------------------------------------------------------------------------------

  private date(index: number): string {
    return addDays(this.options.startDate, index);
  }

  private id(prefix: string): string {
    this.serial += 1;
    return `sim-${prefix}-${this.options.seed}-${this.serial}`;
  }

  private free(diner: Diner, dates: string[]): boolean {
    return dates.every((d) => !this.plans.get(d)?.busy.has(diner.staff.id));
  }

  /** A diner free on every date, marked busy on them. */
  private freeDiner(dates: string[]): Diner | undefined {
    for (let k = 0; k < 20; k += 1) {
      const d = this.rng.pick(this.diners);
      if (!this.free(d, dates)) continue;
      for (const date of dates) this.plans.get(date)?.busy.add(d.staff.id);
      return d;
    }
    return undefined;
  }

  private freshQuzhouUnits(n: number): UnitRow[] {
    const pool = this.city.units.filter((u) => u.regionCode.startsWith('3308') && !this.usedReceptionUnits.has(u.id));
    const picked = this.rng.shuffle(pool).slice(0, n);
    for (const u of picked) this.usedReceptionUnits.add(u.id);
    return picked;
  }

  private pickCanteen(rng: SeededRandom, filter: (c: CanteenRow) => boolean): CanteenRow {
    for (let k = 0; k < 100; k += 1) {
      const c = rng.pick(this.canteens);
      if (filter(c)) return c;
    }
    const all = this.canteens.filter(filter);
    if (all.length === 0) throw new Error('no canteen fits');
    return rng.pick(all);
  }

  private planned(diner: Diner, canteen: CanteenRow, slot: MealSlot, payer: MealPayer, minute?: number): PlannedMeal {
    return { mealId: this.rng.uuid(), diner, canteen, slot, minute: minute ?? this.rng.int(...SLOT_MINUTES[slot]), payer };
  }

  private claim(diner: Diner, tripStart: string, tripEnd: string, destination: CanteenRow, status: PlannedClaim['status']): PlannedClaim {
    return { claimId: this.id('claim'), diner, tripStart, tripEnd, destinationRegionCode: this.countyOf(destination.regionCode), status };
  }

  private reception(date: string, host: UnitRow, guests: UnitRow[], letter: boolean): PlannedReception {
    const r: PlannedReception = {
      recordId: this.id('rec'),
      hostUnitId: host.id,
      guestUnitIds: guests.map((g) => g.id),
      officialLetterRef: letter ? `衢公函〔2025〕${this.serial}号` : null,
      headcount: this.rng.int(3, 10),
    };
    this.plans.get(date)?.receptions.push(r);
    return r;
  }

  private buildExternalUnits(): void {
    for (const city of EXTERNAL_CITIES) {
      for (const dept of EXTERNAL_DEPARTMENTS) {
        const n = this.externalUnits.length + 1;
        this.externalUnits.push({ id: this.rng.uuid(), code: `SIM-EXT-${this.options.seed}-${n}`, name: `${city.name}${dept}`, regionCode: city.code, regionName: city.name });
      }
    }
  }

  private mealEvent(date: string, m: PlannedMeal, rng: SeededRandom): { at: string; envelope: EventEnvelope } {
    const scannedAt = instantOf(date, m.minute, rng.int(0, 59));
    // inside the geofence: a point up to 60 % of the radius away, due north or east
    const distance = m.distance ?? rng.between(2, m.canteen.geofenceRadiusM * 0.6);
    const latitude = m.canteen.latitude + distance / 111_320;
    const longitude = m.canteen.longitude;
    const unitPaid = m.payer === 'unit';
    const paymentKind: PaymentKind = unitPaid ? 'unit-settlement' : 'personal-wallet';
    const envelope = createEvent(
      EventTypes.MealScanned,
      1,
      m.diner.staff.id,
      {
        mealId: m.mealId,
        dinerId: m.diner.staff.id,
        dinerUnitId: m.diner.unit.id,
        dinerRegionCode: m.diner.unit.regionCode,
        canteenId: m.canteen.id,
        canteenOwnerUnitId: m.canteen.ownerUnitId,
        canteenRegionCode: m.canteen.regionCode,
        slot: m.slot,
        mealDate: date,
        scannedAt,
        priceFen: SLOT_PRICE[m.slot] + (m.diner.unit.id === m.canteen.ownerUnitId ? 0 : 500),
        payer: m.payer,
        paymentKind,
        scanLatitude: Math.round(latitude * 1e7) / 1e7,
        scanLongitude: longitude,
        distanceMeters: Math.round(haversineMeters(latitude, longitude, m.canteen.latitude, m.canteen.longitude) * 10) / 10,
        withinGeofence: m.distance === undefined,
        codeVersion: 1,
      },
      { eventId: rng.uuid(), occurredAt: scannedAt },
    );
    return { at: scannedAt, envelope };
  }

  private claimEvent(date: string, c: PlannedClaim, minute: number): { at: string; envelope: EventEnvelope } {
    const at = instantOf(date, minute);
    const days = Math.round((Date.parse(`${c.tripEnd}T00:00:00Z`) - Date.parse(`${c.tripStart}T00:00:00Z`)) / DAY_MS) + 1;
    const envelope = createEvent(
      EventTypes.AllowanceClaim,
      1,
      c.diner.staff.id,
      {
        claimId: c.claimId,
        dinerId: c.diner.staff.id,
        dinerUnitId: c.diner.unit.id,
        tripStart: c.tripStart,
        tripEnd: c.tripEnd,
        destinationRegionCode: c.destinationRegionCode,
        days,
        allowanceFen: days * 10_000,
        status: c.status,
      },
      { eventId: this.eventId(`${c.claimId}:${c.status}`), occurredAt: at },
    );
    return { at, envelope };
  }

  private receptionEvent(date: string, r: PlannedReception, minute: number): { at: string; envelope: EventEnvelope } {
    const at = instantOf(date, minute);
    const envelope = createEvent(
      EventTypes.ReceptionRecord,
      1,
      r.hostUnitId,
      {
        recordId: r.recordId,
        hostUnitId: r.hostUnitId,
        guestUnitIds: r.guestUnitIds,
        date,
        headcount: r.headcount,
        amountFen: r.headcount * 6000,
        officialLetterRef: r.officialLetterRef,
        place: `${this.unitById.get(r.hostUnitId)?.name ?? '机关'}食堂包厢`,
      },
      { eventId: this.eventId(r.recordId), occurredAt: at },
    );
    return { at, envelope };
  }

  /** A deterministic uuid-shaped id from a string (stable event ids for claims and records). */
  private eventId(text: string): string {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ this.options.seed;
    for (let i = 0; i < text.length; i += 1) {
      h1 = Math.imul(h1 ^ text.charCodeAt(i), 16777619) >>> 0;
      h2 = Math.imul(h2 ^ text.charCodeAt(i), 2246822519) >>> 0;
    }
    const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** Canteen lookups for callers (e.g. to print an injection). */
  canteen(id: string): CanteenRow | undefined {
    return this.canteenById.get(id);
  }
}
