import { MealSlotKind } from '../canteen/meal-slot.enum';
import { MEAL_PRICE_CAP_FEN } from '../canteen/meal-price-policy';
import { RegionLevel } from '../region/region-level.enum';
import { AssignedRole } from '../role-assignment/assigned-role.enum';
import {
  CanteenRow,
  DemoCanteen,
  DemoCityData,
  DemoIdentity,
  MealSlotRow,
  RegionRow,
  RoleAssignmentRow,
  StaffRow,
  TerminalRow,
  UnitRow,
} from './demo-city.types';
import {
  CORE_DEPARTMENTS,
  GIVEN_NAME_CHARS,
  OTHER_DEPARTMENTS,
  OTHER_ZHEJIANG_CITIES,
  PLACE_FIRST,
  PLACE_SECOND,
  QUZHOU,
  QUZHOU_COUNTIES,
  SURNAMES,
} from './name-pools';
import { SeededRandom } from './seeded-random';

type UnitKind = 'city-government' | 'city-department' | 'clearing-company' | 'county-government' | 'county-department' | 'township' | 'village';

/** Staff per unit at density 1, by kind of unit: [min, max]. About 30,000 staff in Quzhou at scale 1. */
const STAFF_PER_UNIT: Readonly<Record<UnitKind, readonly [number, number]>> = {
  'city-government': [120, 180],
  'city-department': [120, 300],
  'clearing-company': [20, 40],
  'county-government': [100, 140],
  'county-department': [90, 210],
  township: [80, 160],
  village: [5, 15],
};

const INACTIVE_STAFF_SHARE = 0.03;

interface Place {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
}

interface CountySpec extends Place {
  cityCode: string;
}

interface UnitRef extends UnitRow {
  kind: UnitKind;
}

/** How many county-level regions `scale` gives, and how dense everything under each of them is. */
export function countyPlan(scale: number): { counties: number; density: number } {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`scale must be a positive number, got ${scale}`);
  const counties = Math.max(1, Math.round(6 * scale));
  return { counties, density: Math.min(1, (6 * scale) / counties) };
}

/**
 * Builds the whole demo city in memory, deterministically from `seed` and `scale`: Quzhou with its real
 * county codes at scale 1, invented counties under the other Zhejiang cities beyond that.
 */
export function generateDemoCity(seed: number, scale: number): DemoCityData {
  return new DemoCityBuilder(new SeededRandom(seed), scale).build();
}

class DemoCityBuilder {
  private readonly regions: RegionRow[] = [];
  private readonly units: UnitRef[] = [];
  private readonly staff: StaffRow[] = [];
  private readonly canteens: CanteenRow[] = [];
  private readonly mealSlots: MealSlotRow[] = [];
  private readonly terminals: TerminalRow[] = [];
  private readonly roleAssignments: RoleAssignmentRow[] = [];
  private readonly demoIdentities: DemoIdentity[] = [];
  private readonly usedPlaceNames = new Set<string>();
  private readonly unitSerialByRegion = new Map<string, number>();
  private readonly canteenSerialByRegion = new Map<string, number>();
  /** Units by "<regionCode>/<department>" for placing the demo identities. */
  private readonly unitByKey = new Map<string, UnitRef>();
  private readonly counties: CountySpec[] = [];
  private readonly cities: Place[] = [];
  private readonly density: number;
  private staffSerial = 0;

  constructor(
    private readonly rng: SeededRandom,
    scale: number,
  ) {
    const plan = countyPlan(scale);
    this.density = plan.density;
    this.planCounties(plan.counties);
  }

  build(): DemoCityData {
    for (const city of this.cities) {
      this.buildCity(city);
      for (const county of this.counties.filter((c) => c.cityCode === city.code)) this.buildCounty(county);
    }
    this.buildDemoIdentities();
    for (const unit of this.units) this.buildStaff(unit);
    return {
      regions: this.regions,
      units: this.units.map(({ id, code, name, regionCode, parentUnitId }) => ({ id, code, name, regionCode, parentUnitId })),
      staff: this.staff,
      canteens: this.canteens,
      mealSlots: this.mealSlots,
      terminals: this.terminals,
      roleAssignments: this.roleAssignments,
      demoIdentities: this.demoIdentities,
      demoCanteens: this.demoCanteens(),
    };
  }

  // ---- regions ---------------------------------------------------------------------------------------------

  private planCounties(count: number): void {
    for (const real of QUZHOU_COUNTIES) this.usedPlaceNames.add(real.name.slice(0, 2));
    this.cities.push({ ...QUZHOU });
    for (const county of QUZHOU_COUNTIES.slice(0, Math.min(6, count))) this.counties.push({ ...county, cityCode: QUZHOU.code });
    for (let k = 0; k < count - 6; k += 1) {
      const city = OTHER_ZHEJIANG_CITIES[k % OTHER_ZHEJIANG_CITIES.length];
      if (!city) continue;
      if (!this.cities.some((c) => c.code === city.code)) this.cities.push({ ...city });
      const index = Math.floor(k / OTHER_ZHEJIANG_CITIES.length);
      const code = `${city.code.slice(0, 4)}${String(2 + index).padStart(2, '0')}`;
      const suffix = this.rng.pick(['县', '区', '市']);
      this.counties.push({
        code,
        name: `${this.placeName()}${suffix}`,
        latitude: round6(city.latitude + this.rng.between(-0.35, 0.35)),
        longitude: round6(city.longitude + this.rng.between(-0.35, 0.35)),
        cityCode: city.code,
      });
    }
  }

  /** A two-character place name not used before anywhere in the demo. */
  private placeName(): string {
    for (let attempt = 0; attempt < 1000; attempt += 1) {
      const name = `${this.rng.pick(PLACE_FIRST)}${this.rng.pick(PLACE_SECOND)}`;
      if (!this.usedPlaceNames.has(name)) {
        this.usedPlaceNames.add(name);
        return name;
      }
    }
    // The pools hold ~4,000 pairs; beyond that fall back to three characters.
    for (;;) {
      const name = `${this.rng.pick(PLACE_FIRST)}${this.rng.pick(PLACE_FIRST)}${this.rng.pick(PLACE_SECOND)}`;
      if (!this.usedPlaceNames.has(name)) {
        this.usedPlaceNames.add(name);
        return name;
      }
    }
  }

  private scaled(count: number, minimum = 0): number {
    return Math.max(minimum, Math.round(count * this.density));
  }

  // ---- city ------------------------------------------------------------------------------------------------

  private buildCity(city: Place): void {
    this.regions.push({ code: city.code, name: city.name, level: RegionLevel.City, parentCode: null });
    const government = this.addUnit(city.code, `${city.name}人民政府`, null, 'city-government', 'government');
    if (city.code === QUZHOU.code) this.addUnit(city.code, `${city.name}国有资本运营有限公司`, null, 'clearing-company', 'clearing-company');
    const others = this.rng.shuffle(OTHER_DEPARTMENTS).slice(0, this.scaled(22));
    const departments = [...CORE_DEPARTMENTS, ...others].map((dept) =>
      this.addUnit(city.code, `${city.name}${dept}`, government.id, 'city-department', dept),
    );
    const near = (): [number, number] => [city.latitude + this.rng.between(-0.04, 0.04), city.longitude + this.rng.between(-0.04, 0.04)];
    this.addCanteen(city.code, RegionLevel.City, `${city.name}行政中心食堂`, government, near());
    const canteenCount = Math.min(departments.length, this.scaled(24, 1));
    for (let i = 0; i < canteenCount; i += 1) {
      const owner = departments[i];
      if (owner) this.addCanteen(city.code, RegionLevel.City, `${owner.name}机关食堂`, owner, near());
    }
  }

  // ---- county, townships, villages -------------------------------------------------------------------------

  private buildCounty(county: CountySpec): void {
    this.regions.push({ code: county.code, name: county.name, level: RegionLevel.County, parentCode: county.cityCode });
    const government = this.addUnit(county.code, `${county.name}人民政府`, null, 'county-government', 'government');
    const pool = [...CORE_DEPARTMENTS.slice(2), ...OTHER_DEPARTMENTS];
    const departmentNames = [...CORE_DEPARTMENTS.slice(0, 2), ...this.rng.shuffle(pool).slice(0, this.scaled(9))];
    const departments = departmentNames.map((dept) => this.addUnit(county.code, `${county.name}${dept}`, government.id, 'county-department', dept));
    const near = (): [number, number] => [county.latitude + this.rng.between(-0.02, 0.02), county.longitude + this.rng.between(-0.02, 0.02)];
    this.addCanteen(county.code, RegionLevel.County, `${county.name}行政中心食堂`, government, near());
    const canteenCount = this.scaled(14);
    for (let i = 0; i < canteenCount; i += 1) {
      const owner = departments[i % departments.length];
      if (!owner) continue;
      const name = i < departments.length ? `${owner.name}食堂` : `${owner.name}第二食堂`;
      this.addCanteen(county.code, RegionLevel.County, name, owner, near());
    }
    const townships = this.scaled(this.rng.int(13, 19), 1);
    for (let t = 1; t <= townships; t += 1) this.buildTownship(county, government, t);
  }

  private buildTownship(county: CountySpec, countyGovernment: UnitRef, serial: number): void {
    const code = `${county.code}${String(serial).padStart(3, '0')}`;
    const roll = this.rng.float();
    const kind = roll < 0.55 ? '镇' : roll < 0.8 ? '乡' : '街道';
    const name = `${this.placeName()}${kind}`;
    const angle = this.rng.between(0, 2 * Math.PI);
    const distance = this.rng.between(0.05, 0.2);
    const centre: [number, number] = [county.latitude + distance * Math.sin(angle), county.longitude + distance * Math.cos(angle)];
    this.regions.push({ code, name, level: RegionLevel.Township, parentCode: county.code });
    const unitName = kind === '街道' ? `${name}办事处` : `${name}人民政府`;
    const government = this.addUnit(code, unitName, countyGovernment.id, 'township', 'government');
    const near = (spread: number): [number, number] => [
      centre[0] + this.rng.between(-spread, spread),
      centre[1] + this.rng.between(-spread, spread),
    ];
    this.addCanteen(code, RegionLevel.Township, `${name}机关食堂`, government, near(0.005));
    if (this.rng.chance(0.4)) this.addCanteen(code, RegionLevel.Township, `${name}第二食堂`, government, near(0.005));
    const villages = this.scaled(this.rng.int(4, 8), 1);
    for (let v = 1; v <= villages; v += 1) {
      const villageCode = `${code}${String(v).padStart(3, '0')}`;
      const villageName = `${this.placeName()}村`;
      this.regions.push({ code: villageCode, name: villageName, level: RegionLevel.Village, parentCode: code });
      const villageCentre = near(0.04);
      const spot = (): [number, number] => [villageCentre[0] + this.rng.between(-0.002, 0.002), villageCentre[1] + this.rng.between(-0.002, 0.002)];
      if (this.rng.chance(0.27)) {
        const committee = this.addUnit(villageCode, `${villageName}村民委员会`, government.id, 'village', 'committee');
        this.addCanteen(villageCode, RegionLevel.Village, `${villageName}廉政灶`, committee, spot());
      } else if (this.rng.chance(0.36)) {
        this.addCanteen(villageCode, RegionLevel.Village, `${villageName}廉政灶`, government, spot());
      }
    }
  }

  // ---- rows ------------------------------------------------------------------------------------------------

  private addUnit(regionCode: string, name: string, parentUnitId: string | null, kind: UnitKind, key: string): UnitRef {
    const serial = (this.unitSerialByRegion.get(regionCode) ?? 0) + 1;
    this.unitSerialByRegion.set(regionCode, serial);
    const unit: UnitRef = { id: this.rng.uuid(), code: `U-${regionCode}-${String(serial).padStart(3, '0')}`, name, regionCode, parentUnitId, kind };
    this.units.push(unit);
    this.unitByKey.set(`${regionCode}/${key}`, unit);
    return unit;
  }

  private addCanteen(regionCode: string, level: RegionLevel, name: string, owner: UnitRef, [latitude, longitude]: [number, number]): void {
    const serial = (this.canteenSerialByRegion.get(regionCode) ?? 0) + 1;
    this.canteenSerialByRegion.set(regionCode, serial);
    const code = `C-${regionCode}-${String(serial).padStart(2, '0')}`;
    const canteen: CanteenRow = {
      id: this.rng.uuid(),
      code,
      name,
      ownerUnitId: owner.id,
      regionCode,
      level,
      latitude: round6(latitude),
      longitude: round6(longitude),
      geofenceRadiusM: this.rng.int(5, 30) * 10,
    };
    this.canteens.push(canteen);
    for (const slot of this.slotsFor(level)) this.mealSlots.push(this.mealSlot(canteen.id, slot, level));
    const terminalCount = (level === RegionLevel.City || level === RegionLevel.County) && this.rng.chance(0.3) ? 2 : 1;
    for (let n = 1; n <= terminalCount; n += 1) {
      this.terminals.push({ id: this.rng.uuid(), canteenId: canteen.id, code: `T-${code}-${n}`, name: `${name} ${n} 号终端` });
    }
  }

  private slotsFor(level: RegionLevel): MealSlotKind[] {
    const { Breakfast, Lunch, Dinner } = MealSlotKind;
    switch (level) {
      case RegionLevel.Village:
        return this.rng.chance(0.7) ? [Lunch] : [Lunch, Dinner];
      case RegionLevel.Township:
        return this.rng.chance(0.6) ? [Breakfast, Lunch, Dinner] : [Breakfast, Lunch];
      default:
        return this.rng.chance(0.8) ? [Breakfast, Lunch, Dinner] : [Breakfast, Lunch];
    }
  }

  private mealSlot(canteenId: string, slot: MealSlotKind, level: RegionLevel): MealSlotRow {
    const hours: Record<MealSlotKind, { opens: readonly string[]; minutes: readonly number[] }> = {
      [MealSlotKind.Breakfast]: { opens: ['06:30', '07:00', '07:00', '07:30'], minutes: [60, 90, 90] },
      [MealSlotKind.Lunch]: { opens: ['10:45', '11:00', '11:00', '11:30'], minutes: [90, 120, 120] },
      [MealSlotKind.Dinner]: { opens: ['17:00', '17:00', '17:30'], minutes: [90, 120] },
    };
    const opensAt = this.rng.pick(hours[slot].opens);
    const closesAt = addMinutes(opensAt, this.rng.pick(hours[slot].minutes));
    const cap = MEAL_PRICE_CAP_FEN[slot];
    const staffRange: [number, number] =
      slot === MealSlotKind.Breakfast ? [6, 16] : level === RegionLevel.Village ? [10, 20] : [16, 36];
    const staffPriceFen = this.rng.int(staffRange[0], staffRange[1]) * 50;
    const visitorPriceFen = Math.min(cap, staffPriceFen + this.rng.int(4, 30) * 50);
    return { canteenId, slot, opensAt, closesAt, staffPriceFen, visitorPriceFen };
  }

  private personName(): string {
    const given = this.rng.chance(0.7) ? `${this.rng.pick(GIVEN_NAME_CHARS)}${this.rng.pick(GIVEN_NAME_CHARS)}` : this.rng.pick(GIVEN_NAME_CHARS);
    return `${this.rng.pick(SURNAMES)}${given}`;
  }

  private addStaff(unit: UnitRef, externalIdentityId: string, active: boolean): StaffRow {
    this.staffSerial += 1;
    const row: StaffRow = {
      id: this.rng.uuid(),
      unitId: unit.id,
      staffNumber: `S${String(this.staffSerial).padStart(7, '0')}`,
      externalIdentityId,
      name: this.personName(),
      active,
    };
    this.staff.push(row);
    return row;
  }

  private buildStaff(unit: UnitRef): void {
    const [min, max] = STAFF_PER_UNIT[unit.kind];
    const count = this.scaled(this.rng.int(min, max), 1);
    for (let i = 0; i < count; i += 1) {
      const active = !this.rng.chance(INACTIVE_STAFF_SHARE);
      this.addStaff(unit, `zzd-${this.staffSerial + 1}`, active);
    }
  }

  // ---- demo identities and roles ---------------------------------------------------------------------------

  private unit(regionCode: string, key: string): UnitRef {
    const unit = this.unitByKey.get(`${regionCode}/${key}`);
    if (!unit) throw new Error(`demo generator: no unit ${key} in ${regionCode}`);
    return unit;
  }

  private addIdentity(
    externalIdentityId: string,
    unit: UnitRef,
    roles: { role: AssignedRole; regionCode?: string; unitId?: string }[],
    description: string,
  ): void {
    const staff = this.addStaff(unit, externalIdentityId, true);
    for (const r of roles) {
      this.roleAssignments.push({ id: this.rng.uuid(), staffId: staff.id, role: r.role, regionCode: r.regionCode ?? null, unitId: r.unitId ?? null });
    }
    const inspector = roles.find((r) => r.role === AssignedRole.Inspector);
    this.demoIdentities.push({
      externalIdentityId,
      staffId: staff.id,
      name: staff.name,
      unitCode: unit.code,
      unitName: unit.name,
      roles: ['diner', ...roles.map((r) => r.role)],
      regionCode: inspector?.regionCode ?? null,
      description,
    });
  }

  private buildDemoIdentities(): void {
    const city = QUZHOU.code;
    const { Admin, Inspector, SettlementOfficer } = AssignedRole;
    this.addIdentity('zzd-admin', this.unit(city, '大数据发展管理局'), [{ role: Admin }], '管理员 administrator');
    this.addIdentity('zzd-admin-2', this.unit(city, '机关事务管理局'), [{ role: Admin }], '管理员 administrator');
    this.addIdentity('zzd-admin-3', this.unit(city, '大数据发展管理局'), [{ role: Admin }], '管理员 administrator');
    this.addIdentity('zzd-inspector-city', this.unit(city, '纪律检查委员会'), [{ role: Inspector, regionCode: city }], '市纪委监委 city inspector, jurisdiction 330800 (all of Quzhou)');
    this.addIdentity('zzd-settlement', this.unit(city, 'clearing-company'), [{ role: SettlementOfficer }], '国资公司结算员 clearing-company settlement officer');
    this.addIdentity('zzd-settlement-2', this.unit(city, 'clearing-company'), [{ role: SettlementOfficer }], '国资公司结算员 clearing-company settlement officer');
    this.addIdentity('zzd-diner-1', this.unit(city, '财政局'), [], '用餐人 diner at a city bureau (衢州市财政局)');
    const firstCounty = this.counties[0];
    if (firstCounty) {
      this.addIdentity('zzd-diner-2', this.unit(firstCounty.code, 'government'), [], `用餐人 diner at ${firstCounty.name}人民政府 (a visitor elsewhere)`);
      const township = this.regions.find((r) => r.level === RegionLevel.Township && r.parentCode === firstCounty.code);
      if (township) this.addIdentity('zzd-diner-3', this.unit(township.code, 'government'), [], `用餐人 diner at ${township.name}`);
    }
    for (const county of this.counties) {
      this.addIdentity(`zzd-inspector-${county.code}`, this.unit(county.code, '纪律检查委员会'), [{ role: Inspector, regionCode: county.code }], `${county.name}纪委监委 county inspector, jurisdiction ${county.code}`);
      const finance = this.unit(county.code, '财政局');
      this.addIdentity(`zzd-settlement-${county.code}`, finance, [{ role: SettlementOfficer, unitId: finance.id }], `${county.name}财政局 unit finance officer`);
    }
    for (const other of this.cities.filter((c) => c.code !== city)) {
      this.addIdentity(`zzd-inspector-${other.code}`, this.unit(other.code, '纪律检查委员会'), [{ role: Inspector, regionCode: other.code }], `${other.name}纪委监委 city inspector, jurisdiction ${other.code}`);
    }
  }

  private demoCanteens(): DemoCanteen[] {
    const levels = [RegionLevel.City, RegionLevel.County, RegionLevel.Township, RegionLevel.Village];
    return levels.flatMap((level) => {
      const canteen = this.canteens.find((c) => c.level === level);
      if (!canteen) return [];
      const terminalCodes = this.terminals.filter((t) => t.canteenId === canteen.id).map((t) => t.code);
      return [{ id: canteen.id, code: canteen.code, name: canteen.name, level, regionCode: canteen.regionCode, terminalCodes }];
    });
  }
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function addMinutes(time: string, minutes: number): string {
  const [h, m] = time.split(':').map(Number);
  const total = (h ?? 0) * 60 + (m ?? 0) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
