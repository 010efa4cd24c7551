import { CanteenMealSlot } from './canteen/canteen-meal-slot.entity';
import { Canteen } from './canteen/canteen.entity';
import { Region } from './region/region.entity';
import { RoleAssignment } from './role-assignment/role-assignment.entity';
import { Staff } from './staff/staff.entity';
import { Terminal } from './terminal/terminal.entity';
import { Unit } from './unit/unit.entity';

/** Every entity of the organisation schema (migration Organisation1763900000000). */
export const ORGANISATION_ENTITIES = [Region, Unit, Staff, Canteen, CanteenMealSlot, Terminal, RoleAssignment];
