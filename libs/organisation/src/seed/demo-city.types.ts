import { MealSlotKind } from '../canteen/meal-slot.enum';
import { RegionLevel } from '../region/region-level.enum';
import { AssignedRole } from '../role-assignment/assigned-role.enum';

export interface SeedOptions {
  /** Same seed (and scale) → the same city, down to the ids. */
  seed: number;
  /** 1 = Quzhou (6 counties, ~560 canteens, ~30,000 staff); 10 ≈ a province of 60 county-level regions; 0.05 = a tiny test city. */
  scale: number;
  onProgress?: (message: string) => void;
}

export interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

export interface UnitRow {
  id: string;
  code: string;
  name: string;
  regionCode: string;
  parentUnitId: string | null;
}

export interface StaffRow {
  id: string;
  unitId: string;
  staffNumber: string;
  externalIdentityId: string;
  name: string;
  active: boolean;
}

export interface CanteenRow {
  id: string;
  code: string;
  name: string;
  ownerUnitId: string;
  regionCode: string;
  level: RegionLevel;
  latitude: number;
  longitude: number;
  geofenceRadiusM: number;
}

export interface MealSlotRow {
  canteenId: string;
  slot: MealSlotKind;
  opensAt: string;
  closesAt: string;
  staffPriceFen: number;
  visitorPriceFen: number;
}

export interface TerminalRow {
  id: string;
  canteenId: string;
  code: string;
  name: string;
}

export interface RoleAssignmentRow {
  id: string;
  staffId: string;
  role: AssignedRole;
  regionCode: string | null;
  unitId: string | null;
}

/** A predictable login for the demo (the development login takes the external identity id). */
export interface DemoIdentity {
  externalIdentityId: string;
  staffId: string;
  name: string;
  unitCode: string;
  unitName: string;
  /** Always includes `diner`; plus the explicitly assigned roles. */
  roles: string[];
  /** The jurisdiction of an inspector. */
  regionCode: string | null;
  description: string;
}

export interface DemoCanteen {
  id: string;
  code: string;
  name: string;
  level: RegionLevel;
  regionCode: string;
  terminalCodes: string[];
}

export interface DemoCityData {
  regions: RegionRow[];
  units: UnitRow[];
  staff: StaffRow[];
  canteens: CanteenRow[];
  mealSlots: MealSlotRow[];
  terminals: TerminalRow[];
  roleAssignments: RoleAssignmentRow[];
  demoIdentities: DemoIdentity[];
  demoCanteens: DemoCanteen[];
}

export interface SeedCounts {
  regions: number;
  regionsByLevel: Record<RegionLevel, number>;
  units: number;
  staff: number;
  inactiveStaff: number;
  canteens: number;
  canteensByLevel: Record<RegionLevel, number>;
  mealSlots: number;
  terminals: number;
  roleAssignments: number;
}

export interface SeedSummary {
  seed: number;
  scale: number;
  counts: SeedCounts;
  demoIdentities: DemoIdentity[];
  demoCanteens: DemoCanteen[];
  elapsedMs: number;
}
